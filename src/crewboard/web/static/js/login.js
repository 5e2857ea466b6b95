import { post } from "./api.js";

const form = document.getElementById("login-form");
const error = document.getElementById("login-error");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  const data = new FormData(form);
  try {
    await post("/auth/login", { email: data.get("email"), password: data.get("password") });
    const next = form.dataset.next;
    window.location.assign(next && next.startsWith("/") ? next : "/");
  } catch (err) {
    error.textContent = err.message;
    error.hidden = false;
  }
});

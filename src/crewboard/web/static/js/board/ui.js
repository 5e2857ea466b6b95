// Toasts and the one modal dialog the board uses for every question it asks.

import { el } from "./util.js";

const toasts = () => document.getElementById("toasts");

export function toast(message, kind = "info", { action, timeout = 6000 } = {}) {
  const node = el("div", { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status" },
    el("span", { class: "toast-text" }, message));
  if (action) {
    node.append(el("button", { type: "button", class: "link", onclick: () => {
      node.remove(); action.run();
    } }, action.label));
  }
  node.append(el("button", { type: "button", class: "toast-x", "aria-label": "Dismiss",
                             onclick: () => node.remove() }, "×"));
  toasts().append(node);
  while (toasts().children.length > 4) toasts().firstChild.remove();
  if (timeout) setTimeout(() => node.remove(), timeout);
  return node;
}

let current = null;

/**
 * Open the modal. ``build(close)`` returns the content; the promise resolves with
 * what ``close(value)`` was given, or null when dismissed (Esc, ×, backdrop).
 */
export function modal(title, build, { wide = false } = {}) {
  const dialog = document.getElementById("modal");
  const body = document.getElementById("modal-body");
  if (current) current(null);
  return new Promise((resolve) => {
    let done = false;
    const close = (value = null) => {
      if (done) return;
      done = true;
      current = null;
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
      body.replaceChildren();
      resolve(value);
    };
    const onCancel = (event) => { event.preventDefault(); close(null); };
    current = close;
    dialog.classList.toggle("wide", wide);
    body.replaceChildren(
      el("header", { class: "modal-head" }, el("h2", {}, title),
         el("button", { type: "button", class: "modal-x", "aria-label": "Close",
                        onclick: () => close(null) }, "×")),
      el("div", { class: "modal-content" }, build(close)));
    dialog.addEventListener("cancel", onCancel);
    if (!dialog.open) dialog.showModal();
    const first = body.querySelector("[autofocus], .modal-content input, .modal-content button.primary");
    if (first) first.focus();
  });
}

export function modalOpen() { return !!current; }
export function closeModal() { if (current) current(null); }

export function busy(button, promise) {
  button.disabled = true;
  const text = button.textContent;
  button.textContent = "…";
  return promise.finally(() => { button.disabled = false; button.textContent = text; });
}

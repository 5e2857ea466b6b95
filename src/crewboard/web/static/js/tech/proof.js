// Proof of service on the phone: photos shrunk in the browser before they are
// stored or sent, and a signature drawn with a finger on a canvas.

export const MAX_SIDE = 1600;

async function decode(file) {
  if (window.createImageBitmap) {
    try { return await createImageBitmap(file); } catch (_err) { /* fall back below */ }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function resizeImage(file, maxSide = MAX_SIDE, quality = 0.8) {
  const img = await decode(file);
  const w = img.width, h = img.height;
  const scale = Math.min(1, maxSide / Math.max(w, h));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(w * scale));
  canvas.height = Math.max(1, Math.round(h * scale));
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  if (img.close) img.close();
  return new Promise((resolve, reject) => canvas.toBlob(
    (blob) => (blob ? resolve(blob) : reject(new Error("could not encode the photo"))),
    "image/jpeg", quality));
}

export class SignaturePad {
  constructor(canvas) {
    this.canvas = canvas;
    this.strokes = 0;
    const ratio = window.devicePixelRatio || 1;
    const rect = canvas.getBoundingClientRect();
    canvas.width = Math.round((rect.width || 300) * ratio);
    canvas.height = Math.round((rect.height || 160) * ratio);
    this.ctx = canvas.getContext("2d");
    this.ctx.scale(ratio, ratio);
    this.ctx.lineWidth = 2.2;
    this.ctx.lineCap = "round";
    this.ctx.lineJoin = "round";
    this.ctx.strokeStyle = "#111";
    this.clear();
    let drawing = false;
    const point = (e) => {
      const r = canvas.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    };
    canvas.addEventListener("pointerdown", (e) => {
      drawing = true;
      canvas.setPointerCapture?.(e.pointerId);
      const [x, y] = point(e);
      this.ctx.beginPath();
      this.ctx.moveTo(x, y);
      e.preventDefault();
    });
    canvas.addEventListener("pointermove", (e) => {
      if (!drawing) return;
      const [x, y] = point(e);
      this.ctx.lineTo(x, y);
      this.ctx.stroke();
      this.strokes += 1;
      e.preventDefault();
    });
    const end = () => { drawing = false; };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", end);
  }

  clear() {
    this.ctx.save();
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.fillStyle = "#fff";
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.ctx.restore();
    this.strokes = 0;
  }

  isEmpty() { return this.strokes < 2; }

  toBlob() {
    return new Promise((resolve, reject) => this.canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("could not encode the signature"))),
      "image/png"));
  }
}

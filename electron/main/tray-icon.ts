/**
 * The tray icon, drawn in code (the repo ships no image assets): a filled disc with a lighter ring, as raw BGRA
 * pixels for nativeImage.createFromBitmap. Plain Node, so the drawing is tested without Electron.
 */

/** `size`×`size` BGRA pixels: an accent-blue disc, a pale ring inside its edge, transparent corners. */
export function trayIconBitmap(size = 16): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const c = (size - 1) / 2;
  const outer = size / 2 - 0.5;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      if (d > outer) continue;
      const ring = d > outer * 0.55 && d < outer * 0.75;
      const [r, g, b] = ring ? [221, 244, 255] : [9, 105, 218];
      const i = (y * size + x) * 4;
      pixels[i] = b;
      pixels[i + 1] = g;
      pixels[i + 2] = r;
      pixels[i + 3] = 255;
    }
  }
  return pixels;
}

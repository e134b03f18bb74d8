// Applies the core's edit plan to a File without copying its media data.
//
// The plan lists ranges of the original to keep and small replacement byte strings; the new File
// is composed of Blob slices of the original (by reference) and those few new bytes, and keeps the
// original's name, type and modification time so the site receives it as if the user picked it.
export function applyPlan(file, plan) {
  const parts = plan.pieces.map((piece) =>
    piece.keep ? file.slice(piece.keep.start, piece.keep.end) : new Uint8Array(piece.insert));
  return new File(parts, file.name, { type: file.type, lastModified: file.lastModified });
}

// Records when each key is pressed (wall-clock milliseconds, comparable with the SafePost frame's
// clock) and how long each keystroke takes to reach the next frame (typing responsiveness).
'use strict';
window.benchKeys = [];
window.benchFrames = [];
addEventListener('keydown', (ev) => {
  const at = performance.timeOrigin + performance.now();
  window.benchKeys.push({ key: ev.key, at });
  requestAnimationFrame(() => window.benchFrames.push(performance.timeOrigin + performance.now() - at));
}, true);

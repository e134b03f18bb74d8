// A stand-in for a social site's composer: a text box, a photo picker with previews, and a Post
// button that uploads text and files to the demo server, as a real site would.
'use strict';
const form = document.getElementById('composer');
const text = document.getElementById('post-text');
const picker = document.getElementById('photo');
const attachments = document.getElementById('attachments');
const result = document.getElementById('result');
const feed = document.getElementById('feed');
let files = [];

function showAttachments() {
  attachments.replaceChildren();
  for (const f of files) {
    if (f.type.startsWith('image/')) {
      const img = document.createElement('img');
      img.src = URL.createObjectURL(f);
      img.alt = f.name;
      attachments.append(img);
    } else {
      attachments.append(document.createTextNode(`${f.name} `));
    }
  }
}

picker.addEventListener('change', () => {
  files = [...picker.files];
  showAttachments();
});

// Photos dropped on or pasted into the composer are attached too, as on the real sites.
form.addEventListener('dragover', (ev) => { ev.preventDefault(); });
form.addEventListener('drop', (ev) => {
  if (!ev.dataTransfer || !ev.dataTransfer.files.length) return;
  ev.preventDefault();
  files = files.concat([...ev.dataTransfer.files]);
  showAttachments();
});
form.addEventListener('paste', (ev) => {
  if (!ev.clipboardData || !ev.clipboardData.files.length) return;
  ev.preventDefault();
  files = files.concat([...ev.clipboardData.files]);
  showAttachments();
});
// Ctrl/Cmd+Enter posts, as on most sites.
text.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); form.requestSubmit(); }
});

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const body = new FormData();
  body.append('text', text.value);
  for (const f of files) body.append('media', f, f.name);
  const res = await fetch('/api/posts', { method: 'POST', body });
  const { id } = await res.json();
  const li = document.createElement('li');
  li.textContent = text.value + (files.length ? `\n📎 ${files.map((f) => f.name).join(', ')}` : '');
  feed.prepend(li);
  result.textContent = `Posted (#${id}).`;
  text.value = '';
  files = [];
  picker.value = '';
  showAttachments();
});

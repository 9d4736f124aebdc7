// Attachments in the inbox: upload with progress (XMLHttpRequest: fetch reports no upload progress),
// thumbnails and downloads through the bearer token (an <img src> or a link cannot carry it, so the bytes
// are fetched and shown from a blob: URL, revoked when no longer needed).

/** Uploads one file to a conversation; resolves with the attachment, rejects with an Error carrying the problem's code. */
export function upload(auth, conversationId, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/conversations/${conversationId}/attachments`);
    xhr.setRequestHeader('Authorization', `Bearer ${auth.token}`);
    xhr.setRequestHeader('Accept', 'application/json');
    // the declared type is only checked against the content; an unknown one is left to the server
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let json = null;
      try { json = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status === 201 || xhr.status === 202) { onProgress(1); resolve(json); return; }
      const err = new Error((json && (json.detail || json.title)) || `HTTP ${xhr.status}`);
      err.code = json && json.code;
      reject(err);
    };
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(file);
  });
}

/** Where an attachment (or its thumbnail) of a conversation is. */
export function fileUrl(conversationId, id, thumbnail) {
  return `/api/v1/conversations/${conversationId}/attachments/${id}${thumbnail ? '/thumbnail' : ''}`;
}

/** The bytes of an attachment as a blob: URL (the caller revokes it). */
export async function blobUrl(auth, path) {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${auth.token}`, Accept: '*/*' } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return URL.createObjectURL(await res.blob());
}

/** Saves an attachment under its name, as a browser download. */
export async function download(auth, conversationId, file) {
  const url = await blobUrl(auth, fileUrl(conversationId, file.id, false));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName || 'fil';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** "1,2 MB", "340 kB", "12 B". */
export function formatSize(bytes, lang) {
  const n = new Intl.NumberFormat(lang === 'da' ? 'da-DK' : 'en-GB', { maximumFractionDigits: 1 });
  if (bytes >= 1024 * 1024) return `${n.format(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${n.format(bytes / 1024)} kB`;
  return `${bytes} B`;
}

/** A short name for a media type. */
export function typeName(mediaType) {
  return { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'application/pdf': 'PDF' }[mediaType] || mediaType;
}

// Object-name arithmetic the views need (a folder item's name has no trailing slash; a prefix
// ends with one or is empty).

/** The last segment: 'a/b/c.txt' -> 'c.txt'. */
export const leaf = (name) => name.slice(name.lastIndexOf('/') + 1);

/** The folder a name is in, as a prefix: 'a/b/c.txt' -> 'a/b/', 'c.txt' -> ''. */
export const folderOf = (name) => name.slice(0, name.lastIndexOf('/') + 1);

/** A name with ' (copy)' before its extension: 'a/b.txt' -> 'a/b (copy).txt'. */
export function copyName(name, isFolder) {
  const base = leaf(name);
  const dot = isFolder ? -1 : base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const ext = dot > 0 ? base.slice(dot) : '';
  return `${folderOf(name)}${stem} (copy)${ext}`;
}

/** Where the selection should end when renaming: before the extension of a file. */
export function stemLength(name, isFolder) {
  const dot = name.lastIndexOf('.');
  return !isFolder && dot > 0 ? dot : name.length;
}

/** 'photos/2024/' -> {container: 'photos', prefix: '2024/'}; the destination field of move/copy. */
export function parseDestination(text) {
  const t = text.trim().replace(/^\/+/, '');
  const i = t.indexOf('/');
  const container = i < 0 ? t : t.slice(0, i);
  let prefix = i < 0 ? '' : t.slice(i + 1);
  if (prefix && !prefix.endsWith('/')) prefix += '/';
  return { container, prefix };
}

export const destinationText = (container, prefix) => `${container}/${prefix}`;

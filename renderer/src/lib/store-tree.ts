/**
 * The store view's key tree: `/registry/pods/default/web-1` becomes registry › pods › default › web-1,
 * each folder with the number of keys beneath it (what `etcdctl get --prefix --keys-only | wc -l` counts).
 */

export interface KeyTreeNode {
  /** The last path segment. */
  name: string;
  /** The full prefix (`/registry/pods/`) for a folder, the full key for a leaf. */
  path: string;
  /** Keys at or below this node. */
  count: number;
  /** Set when this node is itself a key. */
  leaf: boolean;
  children: KeyTreeNode[];
}

export function buildKeyTree(keys: readonly string[], root = '/registry/'): KeyTreeNode {
  const top: KeyTreeNode = { name: root, path: root, count: 0, leaf: false, children: [] };
  const folders = new Map<string, KeyTreeNode>([[root, top]]);
  for (const key of keys) {
    if (!key.startsWith(root)) continue;
    top.count++;
    const parts = key.slice(root.length).split('/');
    let parent = top;
    let prefix = root;
    for (let i = 0; i < parts.length - 1; i++) {
      prefix += `${parts[i]}/`;
      let folder = folders.get(prefix);
      if (!folder) {
        folder = { name: parts[i], path: prefix, count: 0, leaf: false, children: [] };
        folders.set(prefix, folder);
        parent.children.push(folder);
      }
      folder.count++;
      parent = folder;
    }
    parent.children.push({ name: parts[parts.length - 1], path: key, count: 1, leaf: true, children: [] });
  }
  const sort = (node: KeyTreeNode) => {
    node.children.sort((a, b) => Number(a.leaf) - Number(b.leaf) || a.name.localeCompare(b.name));
    for (const child of node.children) if (!child.leaf) sort(child);
  };
  sort(top);
  return top;
}

/** The folder prefixes above a key, outermost first: `/registry/a/b/k` → [`/registry/`, `/registry/a/`, `/registry/a/b/`]. */
export function ancestorsOf(key: string, root = '/registry/'): string[] {
  if (!key.startsWith(root)) return [];
  const parts = key.slice(root.length).split('/');
  const out = [root];
  let prefix = root;
  for (let i = 0; i < parts.length - 1; i++) out.push((prefix += `${parts[i]}/`));
  return out;
}

import { strict as assert } from 'node:assert';
import { parseHostsText } from '../../../../src/core/hosts';
import type { ClusterStore } from '../../../../src/extension/cluster/clusterStore';
import type { HostsState } from '../../../../src/extension/hosts/hostsState';
import { FakeEditor, makeStore, settle } from './storeFixture';

/** The store's hosts source: the saved file for the tree and commands, the editor's unsaved text marked on it. */
const FILE = '/c/distributed_hosts.yaml';
const SAVED = 'hosts:\n  a:\n    ssh_host: 10.0.0.1\n  b:\n    ssh_host: 10.0.0.2\n';
const EDITED = 'hosts:\n  a:\n    ssh_host: 10.9.9.9\n  b:\n    ssh_host: 10.0.0.2\n  new-1:\n    ssh_host: 10.0.0.4\n';
const nodeRows = (store: ClusterStore) => store.roots().filter((e) => e.kind === 'node');

describe('ClusterStore: the hosts file and its unsaved editor', () => {
  let savedText = SAVED;
  let made: ReturnType<typeof makeStore>;
  beforeEach(async () => {
    savedText = SAVED;
    made = makeStore(async (): Promise<HostsState> => ({ kind: 'loaded', file: FILE, hosts: parseHostsText(savedText, FILE) }));
    await made.store.reload();
  });
  afterEach(() => made.cleanup());

  it('shows the saved file, marks nodes the unsaved editor changes, and names hosts only the editor has', async () => {
    const { store, timers } = made;
    const editor = new FakeEditor(FILE, SAVED);
    store.editorChanged(editor.edit(EDITED));
    timers.fireAll();
    await settle();
    assert.deepEqual(nodeRows(store).map((e) => e.label), ['a', 'b'], 'new-1 is not in the saved file');
    assert.match(nodeRows(store)[0].description ?? '', /\(unsaved changes\)$/);
    assert.match(nodeRows(store)[0].tooltip ?? '', /unsaved/);
    assert.doesNotMatch(nodeRows(store)[1].description ?? '', /unsaved/);
    assert.equal(store.message(), 'Unsaved in the editor: new-1. Save the hosts file to see it here.');
    assert.deepEqual([...(store.savedNodeNames(FILE) ?? [])], ['a', 'b']);
    assert.equal(store.savedNodeNames('/other/distributed_hosts.yaml'), undefined, 'another file: commands act on the loaded one');
  });

  it('after a save, reloads and shows the new node, with no marks left', async () => {
    const { store, timers } = made;
    const editor = new FakeEditor(FILE, SAVED);
    store.editorChanged(editor.edit(EDITED));
    timers.fireAll();
    await settle();
    savedText = EDITED;
    store.editorSaved(editor.save());
    timers.fireAll();
    await store.reload();
    await settle();
    assert.deepEqual(nodeRows(store).map((e) => e.label), ['a', 'b', 'new-1']);
    assert.ok(nodeRows(store).every((e) => !/unsaved/.test(e.description ?? '')));
    assert.equal(store.message(), undefined);
  });

  it('drops the marks when the editor is closed without saving', async () => {
    const { store, timers } = made;
    const editor = new FakeEditor(FILE, SAVED);
    store.editorChanged(editor.edit(EDITED));
    timers.fireAll();
    await settle();
    let changes = 0;
    store.onDidChange(() => changes++);
    store.editorClosed(editor);
    await settle();
    assert.equal(changes, 1);
    assert.ok(nodeRows(store).every((e) => !/unsaved/.test(e.description ?? '')));
  });

  it('ignores other files, and repaints only when the differences change', async () => {
    const { store, timers } = made;
    let changes = 0;
    store.onDidChange(() => changes++);
    store.editorChanged(new FakeEditor('/elsewhere/notes.yaml', 'x: 1').edit('x: 2'));
    assert.equal(timers.pending.size, 0);
    const editor = new FakeEditor(FILE, SAVED);
    store.editorChanged(editor.edit(SAVED + '# a comment\n'));
    timers.fireAll();
    await settle();
    assert.equal(changes, 0, 'a comment changes no node');
  });

  it('parses each editor version once, and shares that parse', async () => {
    const { store } = made;
    const editor = new FakeEditor(FILE, SAVED);
    const first = await store.parse(editor);
    assert.equal(await store.parse(editor), first);
    editor.edit(EDITED);
    assert.equal(await store.parse(editor), first, 'the same incremental document, updated');
    assert.deepEqual(first.hosts.map((h) => h.name), ['a', 'b', 'new-1']);
  });
});

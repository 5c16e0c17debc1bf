import { strict as assert } from 'node:assert';
import { EditorTexts } from '../../../../src/extension/cluster/editorTexts';
import { manyHostsYaml } from '../../../fixtures/hosts/manyHosts';
import { FakeEditor } from './storeFixture';

/** The editors' parses, brought up to date in slices: shared per version, replaced by a newer one, stopped on close. */
const FILE = '/c/distributed_hosts.yaml';
/** A turn of the event loop after every block: builds of 200 hosts take 200 turns. */
const EVERY_BLOCK = { sliceMs: 0, yieldNow: () => new Promise<void>((r) => setImmediate(r)) };

describe('EditorTexts (the editors\' parses, built in slices)', () => {
  it('shares one build between everyone asking for the same version', async () => {
    const texts = new EditorTexts('/home/u', EVERY_BLOCK);
    const editor = new FakeEditor(FILE, manyHostsYaml(200));
    const asks = [texts.parse(editor), texts.parse(editor)];
    assert.equal(asks[0], asks[1], 'the same promise');
    const doc = await asks[0];
    assert.equal(doc.hosts.length, 200);
    assert.equal(doc.stats.parsedBlocks, 202, 'each block (2 sections, 200 hosts) parsed once');
  });

  it('answers a stale version\'s askers with the newer version an edit started', async () => {
    const texts = new EditorTexts('/home/u', EVERY_BLOCK);
    const editor = new FakeEditor(FILE, manyHostsYaml(200));
    const stale = texts.parse(editor);
    await new Promise((r) => setImmediate(r));
    const newer = texts.parse(editor.edit(manyHostsYaml(201)));
    const [a, b] = await Promise.all([stale, newer]);
    assert.equal(a, b);
    assert.equal(a.hosts.length, 201);
    assert.ok(a.stats.reusedBlocks > 0, 'blocks the stale build parsed are reused');
  });

  it('stops the build of a closed editor, and marks unsaved changes only for a dirty one', async () => {
    const texts = new EditorTexts('/home/u', EVERY_BLOCK);
    const editor = new FakeEditor(FILE, manyHostsYaml(200));
    texts.opened(editor);
    const building = texts.parse(editor);
    texts.closed(editor);
    assert.equal((await building).hosts.length, 0, 'stopped before it was done');
    texts.opened(editor.edit(manyHostsYaml(1)));
    const unsaved = await texts.unsavedAgainst(FILE, []);
    assert.deepEqual(unsaved.onlyInEditor, ['vast-0']);
    texts.opened(editor.save());
    assert.deepEqual((await texts.unsavedAgainst(FILE, [])).onlyInEditor, []);
  });
});

// Workbench helpers shared by the scenarios.

/** Clicks the RingRift Sync activity-bar icon unless its view is already showing. */
export async function openView(page) {
  const icon = page.locator('.activitybar .action-item a[aria-label^="RingRift Sync"]');
  await icon.waitFor({ timeout: 30_000 });
  const checked = await icon.locator('xpath=..').getAttribute('aria-checked').catch(() => null);
  const shown = (await page.locator('.part.sidebar .title-label', { hasText: 'RingRift Sync' }).count()) > 0;
  if (!shown || checked === 'false') await icon.click();
}

/** Waits for the tree row whose accessible name starts with `label`; the error names it. */
export async function treeItem(page, label, timeout) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const row = page.getByRole('treeitem', { name: new RegExp(`^${escaped}(\\b|$)`) }).first();
  try {
    await row.waitFor({ timeout });
  } catch {
    const shown = await page.locator('[role=treeitem] .label-name').allInnerTexts();
    throw new Error(`tree item '${label}' not shown within ${timeout / 1000} s; rows shown: [${shown.join(', ')}]`);
  }
  return row;
}

/** Waits until the row's description (the grey text) matches `pattern`. */
export async function waitForDescription(page, label, pattern, timeout) {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    const row = await treeItem(page, label, Math.max(1000, deadline - Date.now()));
    last = (await row.locator('.label-description').first().innerText().catch(() => '')).trim();
    if (pattern.test(last)) return last;
    if (Date.now() > deadline) throw new Error(`${label}: description '${last}' does not match ${pattern} after ${timeout / 1000} s`);
    await page.waitForTimeout(200);
  }
}

/** Drags the side bar's edge so node descriptions fit in the screenshots. */
export async function widenSideBar(page) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const x = box.x + box.width + 1;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 260, y, { steps: 5 });
  await page.mouse.up();
  // Off the sash, so its highlight is gone before the screenshot.
  await page.mouse.move(x + 600, y + 200);
  await page.waitForTimeout(300);
}

/**
 * Clicks a context-menu entry. The workbench ignores a click that lands right after the menu opened
 * (the right button's release must not pick an entry), so hover first and let it settle.
 */
export async function clickMenuItem(page, name, timeout = 10_000) {
  const item = page.getByRole('menuitem', { name });
  await item.waitFor({ timeout });
  await item.hover();
  await page.waitForTimeout(400);
  await item.click();
}

/** Runs a command from the palette by its exact title. */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

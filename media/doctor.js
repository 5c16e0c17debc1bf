// RingRift Sync doctor report webview: buttons only post what was pressed (node, cause index);
// the extension looks the fix up in its own report and asks before anything runs.
(function () {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('root');
  root.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (!button) return;
    const at = { node: button.dataset.node, index: Number(button.dataset.index) };
    if (button.hasAttribute('data-fix')) vscode.postMessage({ type: 'fix', ...at });
    else if (button.hasAttribute('data-copy')) vscode.postMessage({ type: 'copy', ...at });
    else if (button.dataset.action) vscode.postMessage({ type: button.dataset.action });
  });
  vscode.postMessage({ type: 'ready' });
})();

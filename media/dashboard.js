// RingRift Sync dashboard webview: the extension sends rendered HTML; buttons ask it to run commands.
(function () {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('root');
  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (msg && msg.type === 'render' && typeof msg.html === 'string') {
      root.innerHTML = msg.html;
      document.body.dataset.renders = String(Number(document.body.dataset.renders || '0') + 1);
    }
  });
  root.addEventListener('click', (event) => {
    const button = event.target.closest('[data-command]');
    if (button) vscode.postMessage({ type: 'command', command: button.dataset.command });
  });
  vscode.postMessage({ type: 'ready' });
})();

import * as vscode from 'vscode';

/** An extension's activate(): the command is registered but never pushed to context.subscriptions. */
export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('Leaky');
  context.subscriptions.push(channel);
  vscode.commands.registerCommand('leaky.hello', () => channel.appendLine('hello'));
}

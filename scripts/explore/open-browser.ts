// Whether and how `npm run explore` opens the reader's browser. Never on CI or without a display
// (the URL is printed instead), and without a shell: the URL is passed as one argument.
import { spawn } from 'child_process';

export interface BrowserChoice {
  open: boolean;
  /** Why not, when open is false. */
  reason?: string;
}

/** `CI=false` or `CI=0` count as unset, as in most CI-aware tools. */
export function browserChoice(noOpen: boolean, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): BrowserChoice {
  if (noOpen) return { open: false, reason: '--no-open' };
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return { open: false, reason: 'CI is set' };
  const hasDisplay = platform === 'darwin' || platform === 'win32' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  if (!hasDisplay) return { open: false, reason: 'no DISPLAY or WAYLAND_DISPLAY' };
  return { open: true };
}

function openCommand(url: string, platform: NodeJS.Platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  // `start` is a cmd built-in; its first quoted argument is a window title, hence the empty one.
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', url]];
  return ['xdg-open', [url]];
}

/** Starts the system's URL opener, detached so that it never keeps this process alive. */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [command, args] = openCommand(url, platform);
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', (error) => console.error(`explore: could not start ${command} (${error.message}); open ${url} yourself`));
  child.unref();
}

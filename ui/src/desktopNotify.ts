// Desktop notifications through tauri-plugin-notification (the system's notification service),
// with its permission flow: asked once, remembered by the plugin; refused means toasts only.

import { isPermissionGranted, requestPermission, sendNotification } from "@tauri-apps/plugin-notification";

let allowed: Promise<boolean> | null = null;

/** Whether notifications may be shown, asking the user the first time. */
export function notificationsAllowed(): Promise<boolean> {
  allowed ??= (async () => {
    try {
      if (await isPermissionGranted()) return true;
      return (await requestPermission()) === "granted";
    } catch {
      // Outside the app (the HTTP UI in a browser, tests) there is no plugin.
      return false;
    }
  })();
  return allowed;
}

/** Shows a desktop notification when allowed; the caller has already told the user in the page. */
export async function desktopNotify(body: string, title = "RouteMate"): Promise<boolean> {
  if (!(await notificationsAllowed())) return false;
  try {
    sendNotification({ title, body });
    return true;
  } catch {
    return false;
  }
}

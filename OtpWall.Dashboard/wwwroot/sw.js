// The dashboard's service worker: shows the notifications the server pushes (a code arrived, a number ended without an
// SMS) and opens Live activations when one is clicked. It caches nothing: the dashboard is live or it is nothing.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));

self.addEventListener('push', event => {
    let data = {};
    try { data = event.data ? event.data.json() : {}; } catch { data = { title: 'OTPWALL', body: event.data ? event.data.text() : '' }; }
    const title = data.title || 'OTPWALL';
    event.waitUntil(self.registration.showNotification(title, {
        body: data.body || '',
        tag: data.tag || undefined,
        icon: 'icon-192.png',
        badge: 'icon-192.png',
        data: { url: data.url || 'activations' },
    }));
});

self.addEventListener('notificationclick', event => {
    event.notification.close();
    const target = new URL(event.notification.data && event.notification.data.url || 'activations', self.registration.scope).href;
    event.waitUntil((async () => {
        const open = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
        for (const client of open) {
            if (client.url.startsWith(self.registration.scope) && 'focus' in client) {
                await client.focus();
                if ('navigate' in client) await client.navigate(target);
                return;
            }
        }
        await self.clients.openWindow(target);
    })());
});

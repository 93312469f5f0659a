// Browser push on Account & security › Notifications: the "Turn on" button asks for permission, registers the service
// worker, subscribes with the instance's public VAPID key and hands the subscription to the server (with the page's
// antiforgery token). Wired on every load, enhanced navigations included.
(() => {
    const b64ToBytes = value => {
        const padded = (value + '='.repeat((4 - value.length % 4) % 4)).replace(/-/g, '+').replace(/_/g, '/');
        return Uint8Array.from(atob(padded), c => c.charCodeAt(0));
    };
    const say = (root, text) => { const line = root.querySelector('[data-push-say]'); if (line) line.textContent = text; };

    async function turnOn(root) {
        if (!('serviceWorker' in navigator) || !('PushManager' in window)) {
            say(root, 'This browser cannot receive push notifications. On iPhone and iPad, add the dashboard to the home screen first (Share › Add to Home Screen), then open it from there.');
            return;
        }
        const permission = await Notification.requestPermission();
        if (permission !== 'granted') { say(root, 'Notifications are blocked for this site: allow them in the browser\'s site settings, then try again.'); return; }
        const registration = await navigator.serviceWorker.register(root.dataset.worker, { scope: root.dataset.scope });
        await navigator.serviceWorker.ready;
        let subscription = await registration.pushManager.getSubscription();
        if (!subscription) {
            subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64ToBytes(root.dataset.key) });
        }
        const form = new FormData();
        form.append('__RequestVerificationToken', root.querySelector('input[name=__RequestVerificationToken]').value);
        form.append('subscription', JSON.stringify(subscription));
        const answer = await fetch(root.dataset.endpoint, { method: 'POST', body: form, credentials: 'same-origin' });
        say(root, answer.ok ? 'Push notifications are on for this browser.' : 'The dashboard could not save this browser: reload the page and try again.');
        if (answer.ok) location.reload();
    }

    function wire() {
        document.querySelectorAll('[data-push]').forEach(root => {
            const button = root.querySelector('[data-push-enable]');
            if (!button || button.dataset.wired) return;
            button.dataset.wired = '1';
            button.addEventListener('click', event => { event.preventDefault(); turnOn(root).catch(() => say(root, 'Push notifications could not be turned on in this browser.')); });
        });
    }
    // Loaded after blazor.web.js, at the end of the body: the page is there, and Blazor tells of enhanced navigations.
    wire();
    if (window.Blazor && Blazor.addEventListener) Blazor.addEventListener('enhancedload', wire);
})();

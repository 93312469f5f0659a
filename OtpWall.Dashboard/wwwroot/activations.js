// What the live activations page asks of the browser: its preferences, and announcing a code (tab title, sound, notification).
window.otpwallActivations = (function () {
    var storageKey = "otpwall-activation-preferences";
    var titleBeforeCode = null;

    function restoreTitle() {
        if (titleBeforeCode !== null) { document.title = titleBeforeCode; titleBeforeCode = null; }
        return true;
    }
    window.addEventListener("focus", restoreTitle);

    // The cards' countdowns, from the expiry the server wrote (data-expires, ms since 1970), as ActivationCard words
    // them. The text node Blazor rendered is updated in place, so that its own later updates still land.
    function tick() {
        var now = Date.now();
        document.querySelectorAll("[data-testid=activation-countdown][data-expires]").forEach(function (countdown) {
            var seconds = Math.ceil((Number(countdown.dataset.expires) - now) / 1000);
            var text = seconds > 0 ? Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0") + " left" : "time is up";
            var node = countdown.firstChild;
            if (node && node.nodeType === Node.TEXT_NODE && node.nodeValue !== text) node.nodeValue = text;
            countdown.classList.toggle("countdown-soon", seconds <= 120);
        });
    }
    setInterval(tick, 1000);

    function beep() {
        var Context = window.AudioContext || window.webkitAudioContext;
        if (!Context) return;
        var audio = new Context(), tone = audio.createOscillator(), volume = audio.createGain();
        tone.frequency.value = 880;
        volume.gain.setValueAtTime(0.2, audio.currentTime);
        volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.5);
        tone.connect(volume).connect(audio.destination);
        tone.start();
        tone.stop(audio.currentTime + 0.5);
    }

    return {
        preferences: function () {
            try { return JSON.parse(localStorage.getItem(storageKey)) || { sound: false, notify: false }; }
            catch (e) { return { sound: false, notify: false }; }
        },
        savePreferences: function (preferences) {
            localStorage.setItem(storageKey, JSON.stringify(preferences));
            return true;
        },
        askNotificationPermission: async function () {
            if (!("Notification" in window)) return "unsupported";
            return await Notification.requestPermission();
        },
        // No code is waiting to be used any more (completed, cancelled, closed): the tab title stops announcing one.
        codesHandled: restoreTitle,
        codeArrived: function (code, service, sound, notify) {
            if (titleBeforeCode === null) titleBeforeCode = document.title;
            document.title = "(" + code + ") " + service + " code · OTPWALL";
            if (sound) { try { beep(); } catch (e) { } }
            if (notify && "Notification" in window && Notification.permission === "granted" && !document.hasFocus()) {
                new Notification(service + " code: " + code, { body: "Open the dashboard to copy it.", tag: "otpwall-code-" + code });
            }
            return true;
        }
    };
})();

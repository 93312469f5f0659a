// What every signed-in page asks of the browser about codes: preferences, the title's count of codes waiting to be
// used, a sound and a desktop notification when one arrives; and the Live page's countdowns.
window.otpwallActivations = (function () {
    var storageKey = "otpwall-activation-preferences";
    var waiting = 0;
    var prefix = /^\(\d+ codes? waiting\) /;

    // The count stays in front of whatever title a page sets (Blazor sets it on every navigation), until the codes are used.
    function applyTitle() {
        var base = document.title.replace(prefix, "");
        var wanted = waiting > 0 ? "(" + waiting + (waiting === 1 ? " code" : " codes") + " waiting) " + base : base;
        if (document.title !== wanted) document.title = wanted;
    }
    new MutationObserver(applyTitle).observe(document.head, { subtree: true, childList: true, characterData: true });

    function preferences() {
        try { return JSON.parse(localStorage.getItem(storageKey)) || { sound: false, notify: false }; }
        catch (e) { return { sound: false, notify: false }; }
    }

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
        preferences: preferences,
        savePreferences: function (saved) {
            localStorage.setItem(storageKey, JSON.stringify(saved));
            return true;
        },
        askNotificationPermission: async function () {
            if (!("Notification" in window)) return "unsupported";
            return await Notification.requestPermission();
        },
        codesWaiting: function (count) {
            waiting = count;
            applyTitle();
            return true;
        },
        codeArrived: function (code, service) {
            var chosen = preferences();
            if (chosen.sound) { try { beep(); } catch (e) { } }
            if (chosen.notify && "Notification" in window && Notification.permission === "granted" && !document.hasFocus()) {
                new Notification(service + " code: " + code, { body: "Open the dashboard to copy it.", tag: "otpwall-code-" + code });
            }
            return true;
        }
    };
})();

// The layout's question on a navigation: does the menu drawer cover the page here (a phone, below 960 px)?
window.otpwallLayout = {
    coversPage: function () { return window.matchMedia("(max-width: 959.98px)").matches; }
};

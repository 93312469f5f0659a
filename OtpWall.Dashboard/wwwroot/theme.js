// The theme toggle of interactive pages: keeps the choice in the cookie the server reads (so server-rendered pages
// paint in it at once) and switches the two palettes in the head (ThemeStyles) without a reload. "Follow the system"
// is left to the browser: each palette's media query follows the system's scheme, also when it changes.
(function () {
    // The media of the light and the dark palette per mode, as ThemeStyles.Media writes them.
    var media = {
        light: ["all", "not all"],
        dark: ["not all", "all"],
        system: ["not all and (prefers-color-scheme: dark)", "(prefers-color-scheme: dark)"]
    };
    function apply(mode) {
        var chosen = media[mode] || media.system;
        var light = document.getElementById("otpwall-theme-light");
        var dark = document.getElementById("otpwall-theme-dark");
        if (light) light.media = chosen[0];
        if (dark) dark.media = chosen[1];
        document.documentElement.dataset.themeMode = mode;
    }
    window.otpwallTheme = {
        save: function (mode) {
            document.cookie = "otpwall-theme=" + mode + "; path=/; max-age=31536000; samesite=lax" + (location.protocol === "https:" ? "; secure" : "");
            apply(mode);
        }
    };
})();

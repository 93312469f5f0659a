// Keeps the theme cookies the server reads, so server-rendered pages paint in the right theme at once.
(function () {
    var dark = window.matchMedia("(prefers-color-scheme: dark)");
    function remember(name, value) {
        document.cookie = name + "=" + value + "; path=/; max-age=31536000; samesite=lax" + (location.protocol === "https:" ? "; secure" : "");
    }
    function rememberSystem() { remember("otpwall-system-dark", dark.matches ? "1" : "0"); }
    rememberSystem();
    if (dark.addEventListener) dark.addEventListener("change", rememberSystem);
    window.otpwallTheme = { save: function (mode) { remember("otpwall-theme", mode); } };
})();

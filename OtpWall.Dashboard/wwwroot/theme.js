// Keeps the theme cookies the server reads, so server-rendered pages paint in the right theme at once. Loaded in the
// head: on a first visit the server cannot know the system's scheme (no cookie yet, and only Chromium sends the
// client hint), so a page painted light on a dark system is loaded again, with the cookie, before it is shown.
(function () {
    var dark = window.matchMedia("(prefers-color-scheme: dark)");
    function remember(name, value) {
        document.cookie = name + "=" + value + "; path=/; max-age=31536000; samesite=lax" + (location.protocol === "https:" ? "; secure" : "");
    }
    function rememberSystem() { remember("otpwall-system-dark", dark.matches ? "1" : "0"); }
    rememberSystem();
    if (dark.addEventListener) dark.addEventListener("change", rememberSystem);
    window.otpwallTheme = { save: function (mode) { remember("otpwall-theme", mode); } };

    var page = document.documentElement.dataset;
    var wrong = page.themeMode === "system" && (page.theme === "dark") !== dark.matches;
    var once = "otpwall-theme-corrected";
    // Only a GET is loaded again (never a form post), once per tab, and only if the cookie was kept.
    if (wrong && page.themeCheckable === "true" && !sessionStorage.getItem(once) && document.cookie.indexOf("otpwall-system-dark=") >= 0) {
        sessionStorage.setItem(once, "1");
        document.documentElement.style.visibility = "hidden";
        location.reload();
    }
})();

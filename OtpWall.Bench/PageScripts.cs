namespace OtpWall.Bench;

/// <summary>What the harness runs inside a Chromium page.</summary>
internal static class PageScripts
{
    // Resolves with the time (ms since 1970) at which the activation's code is in the page.
    public const string CodeShownAt = """
        id => new Promise(resolve => {
            const selector = `[data-activation-id='${id}'] [data-testid=activation-code]`;
            if (document.querySelector(selector)) return resolve(Date.now());
            const observer = new MutationObserver(() => {
                if (document.querySelector(selector)) { observer.disconnect(); resolve(Date.now()); }
            });
            observer.observe(document.body, { childList: true, subtree: true, characterData: true });
        })
        """;
}

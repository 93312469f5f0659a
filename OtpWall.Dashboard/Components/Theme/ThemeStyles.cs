using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace OtpWall.Dashboard.Components.Theme;

/// <summary>
/// The palette as CSS, written once per process. MudThemeProvider writes the same CSS, but as a component inside every
/// open tab's circuit, where it cost about a quarter of a MiB of server memory per tab; here it is rendered once (by
/// MudThemeProvider itself, so it stays MudBlazor's own output) and the page's head carries both palettes, each
/// switched on by its <c>media</c> attribute. That also lets "follow the system" follow it in the browser, live.
/// </summary>
internal sealed partial class ThemeStyles(IServiceScopeFactory scopes, ILoggerFactory loggers)
{
    private readonly Lazy<Task<(string Light, string Dark)>> _css = new(() => RenderAsync(scopes, loggers));

    public Task<(string Light, string Dark)> GetAsync() => _css.Value;

    /// <summary>The <c>media</c> of the light and of the dark palette for a mode: always, never, or as the system is.</summary>
    public static (string Light, string Dark) Media(ThemeMode mode) => mode switch
    {
        ThemeMode.Light => ("all", "not all"),
        ThemeMode.Dark => ("not all", "all"),
        _ => ("not all and (prefers-color-scheme: dark)", "(prefers-color-scheme: dark)"),
    };

    private static async Task<(string, string)> RenderAsync(IServiceScopeFactory scopes, ILoggerFactory loggers)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        return await renderer.Dispatcher.InvokeAsync(async () => (await CssAsync(renderer, false), await CssAsync(renderer, true)));
    }

    private static async Task<string> CssAsync(HtmlRenderer renderer, bool dark)
    {
        var output = await renderer.RenderComponentAsync<MudThemeProvider>(ParameterView.FromDictionary(new Dictionary<string, object?>
        {
            [nameof(MudThemeProvider.Theme)] = OtpWallTheme.Theme,
            [nameof(MudThemeProvider.IsDarkMode)] = dark,
        }));
        return string.Concat(StyleContent().Matches(output.ToHtmlString()).Select(match => match.Groups[1].Value.Trim() + "\n"));
    }

    [GeneratedRegex(@"<style[^>]*>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleContent();
}

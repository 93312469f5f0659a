using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Dashboard;

public sealed class ThemeAndConfigurationTests : DashboardHostTest
{
    // MudBlazor writes the palette as CSS variables; these are the backgrounds of our light and dark palettes.
    private const string LightBackground = "--mud-palette-background: rgba(245,247,251,1)";
    private const string DarkBackground = "--mud-palette-background: rgba(17,21,28,1)";

    // The palette a page switches on for a browser, whatever its system: the one whose media is "all".
    private static string? ActivePalette(string page) =>
        Regex.Match(page, "<style id=\"otpwall-theme-(light|dark)\" media=\"all\">") is { Success: true } match ? match.Groups[1].Value : null;

    private static string PaletteCss(string page, string which) =>
        Regex.Match(page, $"<style id=\"otpwall-theme-{which}\"[^>]*>(.*?)</style>", RegexOptions.Singleline).Groups[1].Value;

    [Fact]
    public async Task SwitchingToDark_IsRemembered_OnServerRenderedPages()
    {
        using var person = Host.NewSession();
        await person.GetAsync("/theme?mode=light&returnUrl=%2FAccount%2FLogin");
        var light = await person.GetPageAsync("/Account/Login");
        Assert.Equal("light", ActivePalette(light));
        Assert.Contains(LightBackground, PaletteCss(light, "light"), StringComparison.Ordinal);

        using var switched = await person.GetAsync("/theme?mode=dark&returnUrl=%2FAccount%2FLogin");

        Assert.Equal("/Account/Login", BrowserlessSession.RedirectTarget(switched));
        var dark = await person.GetPageAsync("/Account/Login");
        Assert.Equal("dark", ActivePalette(dark));
        Assert.Contains(DarkBackground, PaletteCss(dark, "dark"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowingTheSystem_LeavesThePaletteToTheBrowsersColourScheme()
    {
        using var person = Host.NewSession();

        var page = await person.GetPageAsync("/Account/Login");

        Assert.Null(ActivePalette(page));
        Assert.Contains("<style id=\"otpwall-theme-dark\" media=\"(prefers-color-scheme: dark)\">", page, StringComparison.Ordinal);
        Assert.Contains("<style id=\"otpwall-theme-light\" media=\"not all and (prefers-color-scheme: dark)\">", page, StringComparison.Ordinal);
        Assert.Contains(DarkBackground, PaletteCss(page, "dark"), StringComparison.Ordinal);
        Assert.Contains(LightBackground, PaletteCss(page, "light"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheThemeSwitch_NeverRedirectsOffSite()
    {
        using var person = Host.NewSession();

        using var response = await person.GetAsync("/theme?mode=light&returnUrl=%2F%2Fevil.example%2F");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", BrowserlessSession.RedirectTarget(response));
    }

    [Fact]
    public void TheRootAppSettingsFile_IsRead_ThoughTheProjectFolderHasNone()
    {
        Host.StartServer();
        var configuration = Host.Services.GetRequiredService<IConfiguration>();

        Assert.False(File.Exists(Path.Combine(Host.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>().ContentRootPath, "appsettings.json")));
        Assert.Equal("https://api.otpwall.online/v1", configuration["OtpWall:Upstream:BaseUrl"]);
    }
}

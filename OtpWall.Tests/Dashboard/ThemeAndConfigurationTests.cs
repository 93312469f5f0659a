using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Dashboard;

public sealed class ThemeAndConfigurationTests : DashboardHostTest
{
    // MudBlazor writes the palette as CSS variables; these are the backgrounds of our light and dark palettes.
    private const string LightBackground = "--mud-palette-background: rgba(245,247,251,1)";
    private const string DarkBackground = "--mud-palette-background: rgba(17,21,28,1)";

    [Fact]
    public async Task SwitchingToDark_IsRemembered_OnServerRenderedPages()
    {
        using var person = Host.NewSession();
        Assert.Contains(LightBackground, await person.GetPageAsync("/Account/Login"), StringComparison.Ordinal);

        using var switched = await person.GetAsync("/theme?mode=dark&returnUrl=%2FAccount%2FLogin");

        Assert.Equal("/Account/Login", BrowserlessSession.RedirectTarget(switched));
        Assert.Contains(DarkBackground, await person.GetPageAsync("/Account/Login"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowingTheSystem_UsesTheBrowsersColourScheme()
    {
        Host.StartServer();
        using var http = new HttpClient { BaseAddress = Host.RootUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        request.Headers.Add("Sec-CH-Prefers-Color-Scheme", "\"dark\"");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await http.SendAsync(request);

        Assert.Contains(DarkBackground, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Sec-CH-Prefers-Color-Scheme", response.Headers.GetValues("Accept-CH"));
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

using System.Net.Http.Json;
using System.Text.Json;
using OtpWall.BrowserTests.Support;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>Keys typed into pages never reach the log, even with every category of the app at Trace.</summary>
public sealed class LogSafetyJourneys(TraceLoggingSiteFixture site) : BrowserTest(site), IClassFixture<TraceLoggingSiteFixture>
{
    [Fact]
    public Task KeysTypedOnTheApiKeyAndTeamPages_AreNotInTheLog_WithSignalRAtTrace() => JourneyAsync(async () =>
    {
        var ownKey = await NewSandboxKeyAsync();
        var teamKey = await NewSandboxKeyAsync();
        var admin = await AdministratorAsync();

        await admin.GoToAsync("settings/api-key");
        await admin.Page.GetByTestId("apikey-input").PressSequentiallyAsync(ownKey);
        await admin.Page.GetByTestId("apikey-save").ClickAsync();
        await Expect(admin.Page.GetByTestId("apikey-feedback")).ToContainTextAsync("Key saved. It works");
        await admin.GoToAsync("admin/team");
        await admin.Page.GetByTestId("teamkey-input").PressSequentiallyAsync(teamKey);
        await admin.Page.GetByTestId("teamkey-save").ClickAsync();
        await Expect(admin.Page.GetByTestId("teamkey-feedback")).ToContainTextAsync("Team key saved. It works");

        var logs = ((TraceLoggingSiteFixture)Site).Logs.Lines.ToList();
        Assert.Contains(logs, line => line.StartsWith("Debug Microsoft.AspNetCore.Components.RenderTree", StringComparison.Ordinal)); // Trace was on
        Assert.Contains(logs, line => line.StartsWith("Trace ", StringComparison.Ordinal));
        foreach (var key in new[] { ownKey, teamKey })
            Assert.DoesNotContain(logs, line => line.Contains(key, StringComparison.OrdinalIgnoreCase) || line.Contains(key[..16], StringComparison.OrdinalIgnoreCase));
    });

    private async Task<string> NewSandboxKeyAsync()
    {
        var response = await Site.Control.PostAsJsonAsync("keys", new { balance = 10.00m });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }
}

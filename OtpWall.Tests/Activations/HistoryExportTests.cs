using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.Activations;

/// <summary>The CSV download of the running dashboard.</summary>
[Trait("Database", "BothEngines")]
public sealed class HistoryExportTests : DashboardHostTest
{
    private async Task<ActivationView> BuyAsync(string userId, Service service, Country country)
    {
        var (key, _, _) = Host.Services.GetRequiredService<SandboxSimulator>().CreateAccount(null, 10m, null);
        await Host.Services.GetRequiredService<ApiKeyVault>().SaveAsync(userId, OtpWallApiKey.Parse(key));
        return (await Host.Services.GetRequiredService<Purchases>().BuyAsync(userId, Guid.NewGuid(), service, country)).Activation!;
    }

    [Fact]
    public async Task TheExport_HoldsOnlyTheSignedInUsersActivations_AsSpreadsheetSafeCsv()
    {
        var (admin, adminId) = await Host.RegisterAdministratorAsync();
        using var other = Host.NewSession();
        using var registered = await other.RegisterAsync("other-person@example.com", Password, await Host.CreateInviteAsync(adminId));
        var mine = await BuyAsync(adminId, new Service("telegram", "Telegram"), new Country("PK", "Pakistan"));
        var theirs = await BuyAsync(await Host.UserIdAsync("other-person@example.com"), new Service("google", "Google"), new Country("US", "United States"));

        using var response = await admin.GetAsync("/history/export.csv");
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var lines = csv.TrimStart('\uFEFF').Split("\r\n".ToCharArray(), StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("created_utc,activation_id,number,service,country,status", lines[0], StringComparison.Ordinal);
        var row = Assert.Single(lines.Skip(1));
        Assert.Contains($",{mine.UpstreamId},'{mine.Number},telegram,PK,waiting,", row, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.UpstreamId!, csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheExport_FollowsTheFilter()
    {
        var (admin, adminId) = await Host.RegisterAdministratorAsync();
        var kept = await BuyAsync(adminId, new Service("telegram", "Telegram"), new Country("PK", "Pakistan"));
        var cancelled = await BuyAsync(adminId, new Service("google", "Google"), new Country("US", "United States"));
        await Host.Services.GetRequiredService<ActivationService>().CancelAsync(adminId, cancelled.Id);

        var csv = await admin.GetPageAsync("/history/export.csv?status=cancelled");

        Assert.Contains(cancelled.UpstreamId!, csv, StringComparison.Ordinal);
        Assert.DoesNotContain(kept.UpstreamId!, csv, StringComparison.Ordinal);
        // A cancelled number was refunded: its price is there, and the refunded column says so.
        var lines = csv.TrimStart('\uFEFF').Split("\r\n".ToCharArray(), StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",price_estimated,refunded", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(",own,false,true", lines.Single(l => l.Contains(cancelled.UpstreamId!, StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheExport_NeedsASignedInUser()
    {
        using var anonymous = Host.NewSession();

        using var response = await anonymous.GetAsync("/history/export.csv");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", BrowserlessSession.RedirectTarget(response), StringComparison.Ordinal);
    }
}

using Microsoft.Extensions.DependencyInjection;
using OtpWall.BrowserTests.Support;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Catalogue;
using OtpWall.Dashboard.SandboxMode;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.Hosting;

/// <summary>At the levels the dashboard ships with, a VPS disk gets one line per thing a person did, not per HTTP attempt.</summary>
public sealed class ProductionLoggingTests
{
    [Fact]
    public async Task AtTheShippedLevels_PollingIsSilent_AndEachPurchaseAndCancelIsOneLine()
    {
        // The test host logs everything; here the levels of appsettings.json are put back.
        await using var host = new DashboardHost(settings: new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Warning",
            ["OtpWall:Activations:FastPollInterval"] = "00:00:01",
        });
        var (_, userId) = await host.RegisterAdministratorAsync();
        Assert.True((await host.Services.GetRequiredService<SandboxKeyIssuer>().IssueAsync(userId)).Saved);
        var activations = host.Services.GetRequiredService<ActivationService>();
        var purchases = host.Services.GetRequiredService<Purchases>();

        var bought = (await purchases.BuyAsync(userId, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"))).Activation!;
        var statusPath = $"GET /activation/{bought.UpstreamId}/status";
        await Eventually.EqualAsync(true, () => Task.FromResult(
            host.Services.GetRequiredService<SandboxStats>().Read().ByPath.GetValueOrDefault(statusPath) >= 3));
        Assert.True((await activations.CancelAsync(userId, bought.Id)).Confirmed);

        var lines = host.Logs.Lines.ToList();
        Assert.DoesNotContain(lines, l => l.StartsWith("Information Polly", StringComparison.Ordinal) || l.StartsWith("Debug Polly", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(" System.Net.Http.HttpClient", StringComparison.Ordinal) && !l.StartsWith("Warning", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains($"Bought activation {bought.Id}", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains($"Activation {bought.Id} is cancelled", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(bought.Number!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpeningTheTeamUsageApiKeyAndWalletPages_WarnsOfNoQueryWithoutAnOrder()
    {
        await using var host = new DashboardHost();
        var (admin, userId) = await host.RegisterAdministratorAsync();
        Assert.True((await host.Services.GetRequiredService<SandboxKeyIssuer>().IssueAsync(userId)).Saved);

        foreach (var page in new[] { "/admin/team", "/team/usage", "/settings/api-key", "/wallet", "/buy" })
            Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.GetAsync(page)).StatusCode);

        // EF Core's RowLimitingOperationWithoutOrderByWarning: a First or Single over rows in no defined order.
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains("without 'OrderBy'", StringComparison.Ordinal));
    }
}

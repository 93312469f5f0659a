using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Dashboard.SandboxMode;
using OtpWall.BrowserTests.Support;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.Sandbox;

/// <summary>The in-app simulator's books outlive a restart: balances, numbers and their SMS are as they were.</summary>
public sealed class SandboxRestartTests
{
    [Fact]
    [Trait("Database", "BothEngines")] // the sandbox's books are in the database on PostgreSQL
    public async Task AfterARestart_BalancesAndOpenNumbersAreAsBefore_AndANumberStillGetsItsCodeAndCompletes()
    {
        var data = DashboardHost.NewDataDirectory();
        string userId, key;
        ActivationView bought;
        decimal balance;
        await using (var before = new DashboardHost(data))
        {
            (_, userId) = await before.RegisterAdministratorAsync();
            Assert.True((await before.Services.GetRequiredService<SandboxKeyIssuer>().IssueAsync(userId)).Saved);
            key = (await before.Services.GetRequiredService<ApiKeyVault>().GetAsync(userId)).Key!.Reveal();
            bought = (await before.Services.GetRequiredService<Purchases>().BuyAsync(
                userId, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"))).Activation!;
            balance = before.Services.GetRequiredService<OtpWall.Sandbox.SandboxSimulator>().GetBalance(key).Balance;
            Assert.True(balance < 25.00m);
        }

        // A slow database (a third of a second to open each context): the server answers long before the books are back.
        await using (var after = new DashboardHost(data) { ConfigureServices = SlowDatabase.Adds(TimeSpan.FromMilliseconds(300)) })
        {
            using var _ = after.NewSession(); // starts the server; the sandbox's books are read back meanwhile
            // The first call to the sandbox, made the moment the server answers, waits for its books rather than
            // answering "unknown key" (as the dashboard's own calls go, over HTTP).
            using var script = new HttpClient { BaseAddress = after.RootUri };
            script.DefaultRequestHeaders.Authorization = new("Bearer", key);
            var answered = System.Text.Json.JsonDocument.Parse(await script.GetStringAsync("sandbox/v1/balance")).RootElement;
            Assert.Equal(decimal.Round(balance, 2), answered.GetProperty("balance").GetDecimal());
            var simulator = after.Services.GetRequiredService<OtpWall.Sandbox.SandboxSimulator>();

            Assert.Equal(balance, simulator.GetBalance(key).Balance);
            Assert.Equal(OtpWall.Sandbox.SandboxStatus.Waiting, simulator.GetActivation(key, bought.UpstreamId!).Status);
            simulator.DeliverSms(bought.UpstreamId!, "Telegram code: 55555");
            var activations = after.Services.GetRequiredService<ActivationService>();
            var purchases = after.Services.GetRequiredService<Purchases>();
            await Eventually.EqualAsync("55555", async () => (await after.Services.GetRequiredService<ActivationQueries>().GetAsync(userId, bought.Id))?.Code, 15_000);
            Assert.True((await activations.CompleteAsync(userId, bought.Id)).Confirmed);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TestDatabase.Drop(data);
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    [Trait("Database", "BothEngines")] // the sandbox's books are in the database on PostgreSQL
    public async Task TheSandboxsBooks_AreKeptEncrypted_WithNoKeyInClear()
    {
        await using var host = new DashboardHost();
        var (_, userId) = await host.RegisterAdministratorAsync();
        Assert.True((await host.Services.GetRequiredService<SandboxKeyIssuer>().IssueAsync(userId)).Saved);
        var key = (await host.Services.GetRequiredService<ApiKeyVault>().GetAsync(userId)).Key!.Reveal();

        await Eventually.EqualAsync(true, async () =>
        {
            await using var db = await host.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<OtpWall.Core.Data.OtpWallDbContext>>().CreateDbContextAsync();
            return db.SandboxSnapshots.Any();
        });
        await using var check = await host.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<OtpWall.Core.Data.OtpWallDbContext>>().CreateDbContextAsync();
        var stored = check.SandboxSnapshots.Single().Protected;
        Assert.DoesNotContain(key, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("balance", stored, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    [Trait("Database", "BothEngines")] // the sandbox's books are in the database on PostgreSQL
    public async Task AfterARestart_ThePersonalAndTheTeamKeysSandboxAccounts_AreBack()
    {
        var data = DashboardHost.NewDataDirectory();
        OtpWallApiKey personal, team;
        await using (var before = new DashboardHost(data))
        {
            var (_, adminId) = await before.RegisterAdministratorAsync();
            Assert.True((await before.Services.GetRequiredService<SandboxKeyIssuer>().IssueAsync(adminId)).Saved);
            personal = (await before.Services.GetRequiredService<ApiKeyVault>().GetAsync(adminId)).Key!;
            team = OtpWallApiKey.Parse(before.Services.GetRequiredService<OtpWall.Sandbox.SandboxSimulator>().CreateAccount(null, 5m, null).Key);
            Assert.True((await before.Services.GetRequiredService<OtpWall.Core.Spending.TeamKeyService>().SaveAsync(adminId, team.Reveal())).Saved);
        }

        await using (var after = new DashboardHost(data))
        {
            using var _ = after.NewSession();

            // Each key works against the sandbox as it did before (its books are read back at the first call).
            foreach (var key in new[] { personal, team })
            {
                using var script = new HttpClient { BaseAddress = after.RootUri };
                script.DefaultRequestHeaders.Authorization = new("Bearer", key.Reveal());
                Assert.Equal(System.Net.HttpStatusCode.OK, (await script.GetAsync("sandbox/v1/balance")).StatusCode);
            }
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }
}

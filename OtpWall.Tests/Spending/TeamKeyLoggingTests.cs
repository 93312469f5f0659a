using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Accounts;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.Spending;
using OtpWall.Core.Wallet;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Spending;

public sealed class TeamKeyLoggingTests(SandboxServer sandbox) : IClassFixture<SandboxServer>
{
    [Fact]
    public async Task TheTeamKey_NeverReachesALogLine_AtTraceLevel_WhileItIsSavedReplacedAndSpentFrom()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerProvider();
        var directory = DashboardHost.NewDataDirectory();
        var services = new ServiceCollection();
        OtpWallApiKey first, second;
        CoreServices.AddTo(services, directory, sandbox, time);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        await using (var provider = services.BuildServiceProvider())
        {
            await provider.PrepareOtpWallDatabaseAsync();
            var registration = provider.GetRequiredService<RegistrationService>();
            var admin = (await registration.RegisterAsync("admin@example.com", "correct horse battery staple", null)).User!.Id;
            var teamKeys = provider.GetRequiredService<TeamKeyService>();
            (first, second) = (await sandbox.NewAccountAsync(), await sandbox.NewAccountAsync());

            Assert.True((await teamKeys.SaveAsync(admin, first.Reveal())).Saved);
            await teamKeys.SetKeyModeAsync(admin, admin, KeyMode.Team);
            var activations = provider.GetRequiredService<ActivationService>();
            var purchases = provider.GetRequiredService<Purchases>();
            var bought = (await purchases.BuyAsync(admin, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"), Payer.Team)).Activation!;
            Assert.True((await teamKeys.SaveAsync(admin, second.Reveal())).Saved);
            await sandbox.DeliverSmsAsync(bought.UpstreamId!, "Your code is 123456");
            time.Advance(TimeSpan.FromSeconds(2));
            await provider.GetRequiredService<ActivationPoller>().PollDueAsync(CancellationToken.None);
            Assert.True((await activations.CompleteAsync(admin, bought.Id)).Confirmed);
            await provider.GetRequiredService<WalletService>().ReadAsync(TeamKeyVault.Account);
            await teamKeys.RemoveAsync(admin);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);

        Assert.NotEmpty(logs.Lines);
        Assert.Contains(logs.Lines, line => line.Contains("/balance", StringComparison.Ordinal));
        foreach (var secret in new[] { first.Reveal(), second.Reveal() })
            Assert.DoesNotContain(logs.Lines, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
    }
}

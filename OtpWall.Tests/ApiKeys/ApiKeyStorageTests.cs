using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Data;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.ApiKeys;

/// <summary>A saved key is encrypted at rest, survives restarts, and belongs to one user only.</summary>
[Trait("Database", "BothEngines")]
public sealed class ApiKeyStorageTests : IAsyncLifetime
{
    private static readonly OtpWallApiKey Key = OtpWallApiKey.Parse("Qx7Lm2Vb9Nc4Kd8Jf3Hg6Tr1Ys5Pw0Za");
    private readonly string _dataDirectory = DashboardHost.NewDataDirectory();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TheDatabaseFiles_NeverContainTheKey_OnlyItsCiphertext()
    {
        await using var host = new DashboardHost(_dataDirectory);
        var (_, userId) = await host.RegisterAdministratorAsync();

        await host.Services.GetRequiredService<ApiKeyVault>().SaveAsync(userId, Key);
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
        {
            var stored = await db.ApiKeys.SingleAsync();
            Assert.Equal("Ys5Pw0Za"[^4..], stored.LastFour);
            Assert.True(stored.Ciphertext.Length > 64);
        }

        // The SQLite files, or every row of every PostgreSQL table.
        var bytes = await TestDatabase.ReadEverythingAsync(_dataDirectory);
        Assert.True(bytes.Length > 1000);
        Assert.True(Contains(bytes, Encoding.UTF8.GetBytes(userId)), "the database read holds the user's rows");
        Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(Key.Reveal())), "the database holds the key in UTF-8");
        Assert.False(Contains(bytes, Encoding.Unicode.GetBytes(Key.Reveal())), "the database holds the key in UTF-16");
    }

    [Fact]
    public async Task ASavedKey_StillDecrypts_AfterARestart()
    {
        string userId;
        await using (var before = new DashboardHost(_dataDirectory))
        {
            (_, userId) = await before.RegisterAdministratorAsync();
            await before.Services.GetRequiredService<ApiKeyVault>().SaveAsync(userId, Key);
        }

        await using var after = new DashboardHost(_dataDirectory);
        var lookup = await after.Services.GetRequiredService<ApiKeyVault>().GetAsync(userId);

        Assert.Equal(StoredKeyState.Available, lookup.State);
        Assert.Equal(Key, lookup.Key);
    }

    [Fact]
    public async Task OneUsersCiphertext_CannotBeOpenedAsAnothersKey()
    {
        await using var host = new DashboardHost(_dataDirectory);
        var (_, ownerId) = await host.RegisterAdministratorAsync();
        using var other = host.NewSession();
        using var registered = await other.RegisterAsync("other@example.com", Password, await host.CreateInviteAsync(ownerId));
        var otherId = await host.UserIdAsync("other@example.com");
        var vault = host.Services.GetRequiredService<ApiKeyVault>();
        await vault.SaveAsync(ownerId, Key);
        Assert.Equal(StoredKeyState.Missing, (await vault.GetAsync(otherId)).State);

        // Even with the owner's ciphertext copied into their row, the other user cannot open it.
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync())
        {
            var owners = await db.ApiKeys.AsNoTracking().SingleAsync(k => k.UserId == ownerId);
            db.ApiKeys.Add(new StoredApiKey { UserId = otherId, Ciphertext = owners.Ciphertext, LastFour = owners.LastFour });
            await db.SaveChangesAsync();
        }

        var stolen = await vault.GetAsync(otherId);
        Assert.Equal(StoredKeyState.Unreadable, stolen.State);
        Assert.Null(stolen.Key);
        Assert.Equal(Key, (await vault.GetAsync(ownerId)).Key);
    }

    [Fact]
    public async Task ALostKeyRing_AsksTheUserToEnterTheKeyAgain_InsteadOfFailing()
    {
        await using (var before = new DashboardHost(_dataDirectory))
        {
            var (_, userId) = await before.RegisterAdministratorAsync();
            await before.Services.GetRequiredService<ApiKeyVault>().SaveAsync(userId, Key);
        }
        await TestDatabase.LoseKeyRingAsync(_dataDirectory);

        await using var after = new DashboardHost(_dataDirectory);
        using var session = after.NewSession();
        using var signedIn = await session.SignInAsync("admin@example.com", Password);
        var page = await session.GetPageAsync("/settings/api-key");

        Assert.Contains("can no longer be decrypted", page, StringComparison.Ordinal);
        Assert.Contains("Enter your key again", page, StringComparison.Ordinal);
        Assert.Contains("Za", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheKey_NeverReachesALogLine_WhenTheAppUsesIt()
    {
        await using var host = new DashboardHost(_dataDirectory) { TraceLogs = true };
        var (session, userId) = await host.RegisterAdministratorAsync();
        var simulator = host.Services.GetRequiredService<OtpWall.Sandbox.SandboxSimulator>();
        var (raw, _, _) = simulator.CreateAccount(null, 3.00m, null);
        var key = OtpWallApiKey.Parse(raw);
        await host.Services.GetRequiredService<ApiKeyService>().SaveAsync(userId, raw);

        // The wallet page reads the balance through the in-app sandbox, with the key in the Authorization header.
        var wallet = await session.GetPageAsync("/wallet");

        Assert.Contains("3.00 USD", wallet, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Lines, line => line.Contains("/sandbox/v1/balance", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(key.Reveal(), StringComparison.Ordinal));
        Assert.DoesNotContain(key.Reveal(), wallet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASandboxKey_StillWorks_AfterTheDashboardRestarts()
    {
        string userId;
        await using (var before = new DashboardHost(_dataDirectory))
        {
            (_, userId) = await before.RegisterAdministratorAsync();
            var issued = await before.Services.GetRequiredService<OtpWall.Dashboard.SandboxMode.SandboxKeyIssuer>().IssueAsync(userId);
            Assert.True(issued.Saved);
        }

        await using var after = new DashboardHost(_dataDirectory);
        using var session = after.NewSession();
        using var signedIn = await session.SignInAsync("admin@example.com", Password);

        Assert.Contains("25.00 USD", await session.GetPageAsync("/wallet"), StringComparison.Ordinal);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

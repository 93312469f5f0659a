using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.Spending;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Spending;

/// <summary>What the team-key tests share: a core with an administrator, a team key, members and purchases with it.</summary>
public abstract class TeamKeyTestBase(SandboxServer sandbox) : IAsyncLifetime
{
    protected SandboxServer Sandbox { get; } = sandbox;

    protected static readonly Service Telegram = new("telegram", "Telegram");
    protected static readonly Country Pakistan = new("PK", "Pakistan");
    protected static readonly decimal TelegramInPakistan = SandboxCatalogue.Price(
        SandboxCatalogue.Services.Single(s => s.Code == "telegram"), SandboxCatalogue.Countries.Single(c => c.Code == "PK"));

    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    protected CoreServices Core { get; private set; } = null!;
    protected string Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Core = await CoreServices.StartAsync(Sandbox, Clock);
        Admin = await Core.NewUserAsync("admin@example.com");
    }

    public async Task DisposeAsync()
    {
        await Sandbox.ClearFaultsAsync();
        await Core.DisposeAsync();
    }

    protected TeamKeyService Team => Core.Get<TeamKeyService>();

    protected ActivationService Activations => Core.Get<ActivationService>();

    protected Purchases Buying => Core.Get<Purchases>();

    protected async Task<OtpWallApiKey> SaveTeamKeyAsync(decimal balance = 10.00m)
    {
        var key = await Sandbox.NewAccountAsync(balance);
        var saved = await Team.SaveAsync(Admin, key.Reveal());
        Assert.True(saved.Saved, saved.Message);
        return key;
    }

    protected async Task<string> MemberAsync(string email, KeyMode mode)
    {
        var member = await Core.NewUserAsync(email);
        Assert.Null(await Team.SetKeyModeAsync(Admin, member, mode));
        return member;
    }

    protected Task<BuyResult> BuyWithTeamKeyAsync(string userId) => Buying.BuyAsync(userId, Guid.NewGuid(), Telegram, Pakistan, Payer.Team);

    protected decimal BalanceOf(OtpWallApiKey key) => Sandbox.Simulator.GetBalance(key.Reveal()).Balance;

    protected async Task<List<Activation>> ActivationsAsync()
    {
        await using var db = await Core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.Activations.AsNoTracking().OrderBy(a => a.CreatedAt).ToListAsync();
    }

    protected async Task<int> StoredTeamKeysAsync()
    {
        await using var db = await Core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        return await db.TeamApiKeys.CountAsync();
    }
}

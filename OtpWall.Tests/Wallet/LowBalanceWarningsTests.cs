using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.LiveUpdates;
using OtpWall.Core.Wallet;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Wallet;

/// <summary>The low-balance warnings live with the wallet: a person's own, and the team's set by an administrator.</summary>
public sealed class LowBalanceWarningsTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync(sandbox, new FakeTimeProvider(DateTimeOffset.UtcNow));

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private LowBalanceWarnings Warnings => _core.Get<LowBalanceWarnings>();

    [Fact]
    public async Task APersonsWarning_IsTheirsAlone_AndOnlyTheirTabsHearItChanged()
    {
        var ada = await _core.NewUserAsync("ada@example.com");
        var bob = await _core.NewUserAsync("bob@example.com");
        var heardByAda = new ConcurrentQueue<PreferencesChanged>();
        var heardByBob = new ConcurrentQueue<PreferencesChanged>();
        var bus = _core.Get<ChangeBus>();
        using var adasTabs = bus.SubscribeFor<PreferencesChanged>(ada, c => { heardByAda.Enqueue(c); return Task.CompletedTask; });
        using var bobsTabs = bus.SubscribeFor<PreferencesChanged>(bob, c => { heardByBob.Enqueue(c); return Task.CompletedTask; });

        Assert.Null(await Warnings.SetForPersonAsync(ada, "2,50"));

        Assert.Equal(2.50m, await Warnings.ForPersonAsync(ada));
        Assert.Null(await Warnings.ForPersonAsync(bob));
        Assert.Single(heardByAda);
        Assert.Empty(heardByBob);

        Assert.Null(await Warnings.SetForPersonAsync(ada, ""));
        Assert.Null(await Warnings.ForPersonAsync(ada));
    }

    [Theory]
    [InlineData("-3")]
    [InlineData("lots")]
    public async Task AWarningThatIsNotAnAmount_IsRefusedWithASentence_AndNothingChanges(string typed)
    {
        var admin = await _core.NewUserAsync("admin@example.com");
        Assert.Null(await Warnings.SetForPersonAsync(admin, "4"));
        Assert.Null(await Warnings.SetForTeamAsync(admin, "20"));

        var own = await Warnings.SetForPersonAsync(admin, typed);
        var team = await Warnings.SetForTeamAsync(admin, typed);

        Assert.Equal($"'{typed}' is not an amount: use digits with up to two decimals, like 5 or 2.50.", own?.Message);
        Assert.Equal(own, team);
        Assert.Equal(4m, await Warnings.ForPersonAsync(admin));
        Assert.Equal(20m, await Warnings.ForTeamAsync());
    }

    [Fact]
    public async Task OnlyAnAdministrator_SetsTheTeamsWarning()
    {
        var admin = await _core.NewUserAsync("admin@example.com");
        var member = await _core.NewUserAsync("member@example.com");
        Assert.Null(await Warnings.SetForTeamAsync(admin, "15"));

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Warnings.SetForTeamAsync(member, "1"));

        Assert.Equal(15m, await Warnings.ForTeamAsync());
    }
}

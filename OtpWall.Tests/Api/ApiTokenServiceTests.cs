using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Accounts;
using OtpWall.Core.ApiTokens;
using OtpWall.Core.Data;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Api;

/// <summary>Personal tokens over time: past a session's revalidation, at their expiry, when a teammate's is revoked.</summary>
public sealed class ApiTokenServiceTests(SandboxServer sandbox) : IClassFixture<SandboxServer>, IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private CoreServices _core = null!;

    // Password links need Identity's token providers, as the dashboard registers them.
    public async Task InitializeAsync() => _core = await CoreServices.StartAsync(sandbox, _clock,
        configure: services => new IdentityBuilder(typeof(ApplicationUser), services).AddDefaultTokenProviders());

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private ApiTokenService Tokens => _core.Get<ApiTokenService>();

    [Fact]
    public async Task AToken_WorksPastTheSessionRevalidationInterval_UntilItExpires_AndIsStoredOnlyAsAHash()
    {
        var admin = await _core.NewUserAsync("admin@example.com");
        var (created, _) = await Tokens.CreateAsync(admin, "nightly job", ApiTokenLifetime.Days30, ApiTokenScope.Read);

        Assert.Matches("^[A-Za-z0-9]{32}$", created!.Value);
        Assert.Equal(admin, (await Tokens.AuthenticateAsync(created.Value))?.UserId);
        // Longer than a sign-in's revalidation interval and than the token's own trust in memory: read again, still good.
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(admin, (await Tokens.AuthenticateAsync(created.Value))?.UserId);
        _clock.Advance(TimeSpan.FromDays(29));
        Assert.NotNull(await Tokens.AuthenticateAsync(created.Value));
        _clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Null(await Tokens.AuthenticateAsync(created.Value));

        await using var db = await _core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        var stored = await db.ApiTokens.SingleAsync();
        Assert.DoesNotContain(created.Value, stored.Hash, StringComparison.Ordinal);
        Assert.Equal(64, stored.Hash.Length);
    }

    [Fact]
    public async Task TwoPeople_EachRevokeOnlyTheirOwn_WhileAnAdministratorMayRevokeAnyone()
    {
        var admin = await _core.NewUserAsync("admin@example.com");
        var (alice, bob) = (await _core.NewUserAsync("alice@example.com"), await _core.NewUserAsync("bob@example.com"));
        var alices = (await Tokens.CreateAsync(alice, "alice bot", ApiTokenLifetime.Never, ApiTokenScope.Buy)).Value!;
        var bobs = (await Tokens.CreateAsync(bob, "bob bot", ApiTokenLifetime.Never, ApiTokenScope.Buy)).Value!;
        Assert.NotNull(await Tokens.AuthenticateAsync(alices.Value));

        // At once: Bob tries Alice's token (refused as unknown) while Alice revokes her own.
        var results = await Task.WhenAll(Tokens.RevokeAsync(bob, alices.Token.Id), Tokens.RevokeAsync(alice, alices.Token.Id));
        Assert.Contains(results, r => r is null);
        Assert.Null(await Tokens.AuthenticateAsync(alices.Value));
        Assert.NotNull(await Tokens.RevokeAsync(bob, alices.Token.Id));
        Assert.NotNull(await Tokens.RevokeAsync(alice, bobs.Token.Id));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Tokens.ListAllAsync(alice));

        var everyone = await Tokens.ListAllAsync(admin);
        Assert.Equal("bob bot", Assert.Single(everyone).Name);
        Assert.Null(await Tokens.RevokeAsync(admin, bobs.Token.Id));
        Assert.Null(await Tokens.AuthenticateAsync(bobs.Value));
    }

    [Fact]
    public async Task DisablingAPersonOrAPasswordReset_EndsTheirTokensAtOnce()
    {
        var admin = await _core.NewUserAsync("admin@example.com");
        var member = await _core.NewUserAsync("member@example.com");
        var first = (await Tokens.CreateAsync(member, "first", ApiTokenLifetime.Days90, ApiTokenScope.Buy)).Value!;
        Assert.NotNull(await Tokens.AuthenticateAsync(first.Value));

        Assert.Null(await _core.Get<TeamService>().SetDisabledAsync(admin, member, disabled: true));
        Assert.Null(await Tokens.AuthenticateAsync(first.Value));
        Assert.Empty(await Tokens.ListOwnAsync(member));

        Assert.Null(await _core.Get<TeamService>().SetDisabledAsync(admin, member, disabled: false));
        var second = (await Tokens.CreateAsync(member, "second", ApiTokenLifetime.Days90, ApiTokenScope.Buy)).Value!;
        Assert.NotNull(await Tokens.AuthenticateAsync(second.Value));
        var code = (await _core.Get<TeamService>().CreatePasswordResetCodeAsync(admin, member)).Value!;
        Assert.Null(await _core.Get<TeamService>().ResetPasswordAsync(member, code, "an entirely new passphrase here"));
        Assert.Null(await Tokens.AuthenticateAsync(second.Value));
    }

    [Fact]
    public async Task ATokenNeedsAName_UniqueToItsOwner()
    {
        var admin = await _core.NewUserAsync("admin@example.com");
        Assert.NotNull((await Tokens.CreateAsync(admin, "  ", ApiTokenLifetime.Days30, ApiTokenScope.Read)).Refusal);
        Assert.Null((await Tokens.CreateAsync(admin, "bot", ApiTokenLifetime.Days30, ApiTokenScope.Read)).Refusal);
        Assert.Contains("already have a token named", (await Tokens.CreateAsync(admin, "BOT", ApiTokenLifetime.Days30, ApiTokenScope.Read)).Refusal!.Message, StringComparison.Ordinal);
    }
}

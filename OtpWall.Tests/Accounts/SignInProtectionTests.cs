using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Accounts;
using OtpWall.BrowserTests.Support;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.Accounts;

public sealed class SignInProtectionTests
{
    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_EvenAgainstTheRightOne()
    {
        await using var host = new DashboardHost();
        await host.RegisterAdministratorAsync();
        using var guesser = host.NewSession();

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var wrong = await guesser.SignInAsync("admin@example.com", $"not the password {attempt}");
            Assert.Contains("Wrong e-mail or password", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var fifth = await guesser.SignInAsync("admin@example.com", "not the password 5");
        using var right = await guesser.SignInAsync("admin@example.com", Password);

        Assert.Equal("/Account/Lockout", BrowserlessSession.RedirectTarget(fifth));
        Assert.Equal("/Account/Lockout", BrowserlessSession.RedirectTarget(right));
        Assert.Contains("locked for 15 minutes", await guesser.GetPageAsync("/Account/Lockout"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManySignInPosts_FromOneAddress_Get429_WhilePagesStillLoad()
    {
        await using var host = new DashboardHost(settings: new Dictionary<string, string?> { ["OtpWall:Accounts:AttemptsPerMinute"] = "3" });
        using var session = host.NewSession();

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var allowed = await session.SignInAsync("someone@example.com", "whatever password");
            Assert.NotEqual(HttpStatusCode.TooManyRequests, allowed.StatusCode);
        }
        using var limited = await session.SignInAsync("someone@example.com", "whatever password");
        using var register = await session.RegisterAsync("someone@example.com", Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("Too many sign-in or registration attempts", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, register.StatusCode);
        using var page = await session.GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Theory]
    [InlineData("/Account/Login/")]
    [InlineData("/account/LOGIN")]
    [InlineData("/ACCOUNT/login/")]
    [InlineData("/Account/%4Cogin")]
    public async Task TheLimit_CountsEverySpellingOfTheSignInPage(string spelling)
    {
        await using var host = new DashboardHost(settings: new Dictionary<string, string?> { ["OtpWall:Accounts:AttemptsPerMinute"] = "3" });
        using var session = host.NewSession();
        var fields = new Dictionary<string, string> { ["Input.Email"] = "someone@example.com", ["Input.Password"] = "whatever password" };

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var allowed = await session.SubmitAsync(spelling, "login", fields, tokenFrom: "/Account/Login");
            // A real attempt at signing in: the page answers it with its error, not "not found".
            Assert.Contains("Wrong e-mail or password.", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var limited = await session.SubmitAsync(spelling, "login", fields, tokenFrom: "/Account/Login");
        using var register = await session.SubmitAsync("/Account/Register/", "register",
            new Dictionary<string, string> { ["Input.Email"] = "new@example.com", ["Input.Password"] = Password, ["Input.ConfirmPassword"] = Password },
            tokenFrom: "/Account/Register");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, register.StatusCode);
    }

    [Fact]
    public async Task ADisabledUser_CannotSignIn_AndTheirOpenSessionEnds()
    {
        await using var host = new DashboardHost();
        var (_, adminId) = await host.RegisterAdministratorAsync();
        using var member = host.NewSession();
        using var registered = await member.RegisterAsync("member@example.com", Password, await host.CreateInviteAsync(adminId));
        using (var before = await member.GetAsync("/wallet")) Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        var refusal = await host.Services.GetRequiredService<TeamService>().SetDisabledAsync(adminId, await host.UserIdAsync("member@example.com"), true);

        Assert.Null(refusal);
        // Disabling ends the member's sessions: their very next request is refused (no revalidation interval to wait for).
        using (var after = await member.GetAsync("/wallet"))
            Assert.Equal("/Account/Login", BrowserlessSession.RedirectTarget(after)?.Split('?')[0]);
        using var again = host.NewSession();
        using var signIn = await again.SignInAsync("member@example.com", Password);
        Assert.Contains("disabled by an administrator", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APasswordLinkFromTheAdministrator_SetsANewPassword_LiftsTheLockout_AndWorksOnce()
    {
        await using var host = new DashboardHost();
        var (_, adminId) = await host.RegisterAdministratorAsync();
        using var member = host.NewSession();
        using (await member.RegisterAsync("forgetful@example.com", Password, await host.CreateInviteAsync(adminId))) { }
        using var guesser = host.NewSession();
        for (var attempt = 1; attempt <= 5; attempt++) (await guesser.SignInAsync("forgetful@example.com", $"wrong guess number {attempt}")).Dispose();
        var memberId = await host.UserIdAsync("forgetful@example.com");

        var code = (await host.Services.GetRequiredService<TeamService>().CreatePasswordResetCodeAsync(adminId, memberId)).Value;
        var link = $"/Account/ResetPassword?user={memberId}&code={code}";
        const string NewPassword = "a fresh start passphrase";
        var form = new Dictionary<string, string> { ["Input.Password"] = NewPassword, ["Input.ConfirmPassword"] = NewPassword };
        using var reset = await guesser.SubmitAsync(link, "reset-password", form);

        Assert.StartsWith("/Account/Login", BrowserlessSession.RedirectTarget(reset), StringComparison.Ordinal);
        using var signIn = await guesser.SignInAsync("forgetful@example.com", NewPassword);
        Assert.Equal("/", BrowserlessSession.RedirectTarget(signIn));
        using var again = host.NewSession();
        using var reused = await again.SubmitAsync(link, "reset-password", form);
        Assert.Contains("not valid any more", await reused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("That user no longer exists.", (await host.Services.GetRequiredService<TeamService>().CreatePasswordResetCodeAsync(adminId, "no-such-user")).Refusal?.Message);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => host.Services.GetRequiredService<TeamService>().CreatePasswordResetCodeAsync(memberId, adminId));
    }

    [Fact]
    public async Task AnAdministrator_CannotDisableThemselves()
    {
        await using var host = new DashboardHost();
        var (_, adminId) = await host.RegisterAdministratorAsync();

        var refusal = await host.Services.GetRequiredService<TeamService>().SetDisabledAsync(adminId, adminId, true);

        Assert.Equal("You cannot disable your own account.", refusal?.Message);
    }

    [Fact]
    public async Task Health_ReportsTheDatabaseAndTheDataFolder_WithoutSignIn()
    {
        await using var host = new DashboardHost();
        using var anonymous = host.NewSession();

        using var response = await anonymous.GetAsync("/healthz");
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("dataDirectory").GetProperty("status").GetString());
    }
}

/// <summary>Timing comparisons run alone: tests running beside them on two cores would blur what they compare.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingRunsAlone
{
    public const string Name = "timing";
}

[Collection(TimingRunsAlone.Name)]
[Trait("Category", "Timing")] // scripts/test.sh runs these before anything is started beside the xUnit tests
public sealed class SignInTimingTests
{
    [Fact]
    public async Task AnEmailWithNoAccount_TakesAsLongToRefuse_AsAWrongPasswordForOneThatExists()
    {
        await using var host = new DashboardHost { RealPasswordHashing = true };
        await host.RegisterAdministratorAsync();
        // One scope per attempt, as each request has its own: what a sign-in manager keeps between attempts, a request does not.
        async Task<double> MillisecondsAsync(string email)
        {
            using var scope = host.Services.CreateScope();
            scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>().HttpContext =
                new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = scope.ServiceProvider };
            var signIn = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.SignInManager<ApplicationUser>>();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = await signIn.PasswordSignInAsync(email, "not the password at all", false, lockoutOnFailure: false);
            Assert.False(result.Succeeded);
            return watch.Elapsed.TotalMilliseconds;
        }
        await MillisecondsAsync("admin@example.com");
        await MillisecondsAsync("nobody@example.com");

        // Alternating, so that whatever else the machine does falls on both alike.
        var (known, unknown) = (new List<double>(), new List<double>());
        for (var round = 0; round < 15; round++)
        {
            known.Add(await MillisecondsAsync("admin@example.com"));
            unknown.Add(await MillisecondsAsync("nobody@example.com"));
        }

        double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        var ratio = Median(unknown) / Median(known);
        Assert.True(ratio is > 0.7 and < 1.4, $"median {Median(unknown):0.0} ms for an unknown e-mail, {Median(known):0.0} ms for a known one");
    }
}

/// <summary>Test hosts hash with few iterations to save time; the dashboard itself ships with Identity's own count.</summary>
public sealed class ShippedPasswordHashingTests
{
    [Fact]
    public async Task TheDashboard_HashesPasswordsWithIdentitysDefaultIterations_AndATestHostWithFewer()
    {
        await using var shipped = new DashboardHost { RealPasswordHashing = true };
        await using var test = new DashboardHost();
        int Iterations(DashboardHost host) => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Identity.PasswordHasherOptions>>().Value.IterationCount;

        Assert.Equal(new Microsoft.AspNetCore.Identity.PasswordHasherOptions().IterationCount, Iterations(shipped));
        Assert.Equal(100_000, Iterations(shipped));
        Assert.Equal(DashboardHost.TestHashIterations, Iterations(test));
        var (_, userId) = await shipped.RegisterAdministratorAsync();
        await using var scope = shipped.Services.CreateAsyncScope();
        var hash = (await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>().FindByIdAsync(userId))!.PasswordHash!;
        // Identity's v3 format: a marker byte, the PRF, then the iteration count, big-endian.
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(100_000, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(5, 4)));
    }
}

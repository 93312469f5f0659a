using System.Diagnostics;
using Microsoft.Playwright;
using OtpWall.BrowserTests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace OtpWall.BrowserTests.Journeys;

/// <summary>
/// Two replicas on PostgreSQL behind Caddy (sticky cookie), as real processes: a team member's browsers on either
/// replica see the same dashboard. Runs in the test command's PostgreSQL pass (skipped on SQLite).
/// </summary>
public sealed class ReplicaJourneys(ReplicasFixture site, ITestOutputHelper output) : IClassFixture<ReplicasFixture>
{
    private static readonly string SkipUnlessPostgreSql = ReplicasFixture.CanRun ? "" : "PostgreSQL and Caddy only: scripts/test.sh runs it on a throwaway cluster.";

    // Two freshly started dashboards (their first requests compile pages) share the two cores with the publish check and
    // the PostgreSQL pass, and each registration hashes a password at the shipped cost: what waits on a first page or a
    // registration gets longer than Playwright's 5 s (CI failed once at the first registrations). Timed steps keep theirs.
    private const float UnderLoad = 20_000;

    [SkippableReplicaFact]
    public async Task TwoReplicas_OneAdministrator_AKeySavedOnA_UsedOnB_CodesReachTheOtherReplica_EvenAfterThePollingOneDies()
    {
        try
        {
            await TwoReplicasAsync();
        }
        catch
        {
            await KeepPagesAsync(nameof(TwoReplicas_OneAdministrator_AKeySavedOnA_UsedOnB_CodesReachTheOtherReplica_EvenAfterThePollingOneDies));
            throw;
        }
        finally
        {
            foreach (var person in _people) await person.DisposeAsync();
        }
    }

    private async Task TwoReplicasAsync()
    {
        // Two first registrations at the same moment, one on each replica: exactly one administrator.
        var ana = await OpenOnAsync("a", "ana@example.com");
        var ben = await OpenOnAsync("b", "ben@example.com");
        foreach (var person in new[] { ana, ben })
        {
            await person.Page.GotoAsync("Account/Register");
            await Expect(person.Page.GetByTestId("first-run")).ToBeVisibleAsync(new() { Timeout = UnderLoad });
            await person.Page.Locator("#Input\\.Email").FillAsync(person.Email);
            await person.Page.Locator("#Input\\.Password").FillAsync(person.Password);
            await person.Page.Locator("#Input\\.ConfirmPassword").FillAsync(person.Password);
        }
        await Task.WhenAll(ana.Page.GetByTestId("register-submit").ClickAsync(), ben.Page.GetByTestId("register-submit").ClickAsync());
        var outcomes = await Task.WhenAll(new[] { ana, ben }.Select(async person =>
        {
            var registered = person.Page.GetByTestId("apikey-input");
            var refused = person.Page.GetByTestId("error-message");
            await Expect(registered.Or(refused)).ToBeVisibleAsync(new() { Timeout = UnderLoad });
            return await registered.IsVisibleAsync();
        }));
        Assert.Single(outcomes, registered => registered);
        Assert.Equal(1, await site.CountAsync("""SELECT count(*) FROM "AspNetUsers" """));
        Assert.Equal(1, await site.CountAsync("""SELECT count(*) FROM "AspNetUserRoles" """));
        var admin = outcomes[0] ? ana : ben;
        var other = outcomes[0] ? ben : ana;
        await Expect(other.Page.GetByTestId("error-message")).ToContainTextAsync("invitation", new() { Timeout = UnderLoad });

        // The administrator saves a key through replica A, then reads their wallet through replica B (same sign-in).
        var onA = await OpenOnAsync("a", admin.Email, admin);
        await onA.GoToAsync("settings/api-key");
        await onA.Page.GetByTestId("apikey-input").FillAsync(await site.NewSandboxKeyAsync(10.00m));
        await onA.Page.GetByTestId("apikey-save").ClickAsync();
        await Expect(onA.Page.GetByTestId("apikey-feedback")).ToContainTextAsync("Key saved. It works", new() { Timeout = UnderLoad });
        var onB = await OpenOnAsync("b", admin.Email, admin);
        await onB.GoToAsync("wallet");
        await Expect(onB.Page.GetByTestId("wallet-balance")).ToHaveTextAsync("10.00 USD", new() { Timeout = UnderLoad });
        Assert.Equal("localhost", new Uri(onB.Page.Url).Host);

        // Bought through A, watched in a tab on B: the number appears there, then its code.
        await onB.GoToAsync("activations");
        var row = await onA.BuyByTypingAsync("Tele", "Telegram", "Pakis", "Pakistan (PK)");
        var id = (await row.GetAttributeAsync("data-activation-id"))!;
        var onBRow = onB.Page.Locator($"[data-testid=activation-row][data-activation-id='{id}']");
        await Expect(onBRow).ToHaveAttributeAsync("data-status", "waiting", new() { Timeout = 5000 });
        await site.DeliverSmsAsync(id, "Your Telegram code is 31415");
        await Expect(onBRow.GetByTestId("activation-code")).ToHaveTextAsync("31415", new() { Timeout = 10_000 });

        // The replica that polls dies in the middle of an activation: the other takes over and the code still arrives.
        var polling = await site.PollingReplicaAsync() ?? throw new InvalidOperationException("No replica holds the poller's lease.");
        var survivor = polling == "a" ? onB : onA;
        var second = await survivor.BuyByTypingAsync("Tele", "Telegram", "Pakis", "Pakistan (PK)");
        var secondId = (await second.GetAttributeAsync("data-activation-id"))!;
        var killedAt = Stopwatch.GetTimestamp();
        site.Kill(polling);
        await site.DeliverSmsAsync(secondId, "Your Telegram code is 27182");
        var survivorName = polling == "a" ? "b" : "a";
        while (await site.PollingReplicaAsync() != survivorName && Stopwatch.GetElapsedTime(killedAt) < TimeSpan.FromSeconds(30)) await Task.Delay(200);
        var takeover = Stopwatch.GetElapsedTime(killedAt);
        var secondRow = survivor.Page.Locator($"[data-testid=activation-row][data-activation-id='{secondId}']");
        await Expect(secondRow.GetByTestId("activation-code")).ToHaveTextAsync("27182", new() { Timeout = 10_000 });
        var codeShown = Stopwatch.GetElapsedTime(killedAt);
        output.WriteLine($"Polling replica killed: lease taken over after {takeover.TotalSeconds:0.0} s, code on the surviving tab after {codeShown.TotalSeconds:0.0} s.");
        Assert.True(takeover < TimeSpan.FromSeconds(15), $"the lease was taken over after {takeover.TotalSeconds:0.0} s");
        await survivor.BlazorErrorBannerIsHiddenAsync();
    }

    private readonly List<Person> _people = [];

    // On failure, what every open page looked like (under artifacts/browser, which CI names), as the other journeys do.
    private async Task KeepPagesAsync(string name)
    {
        Directory.CreateDirectory(BrowserTest.ArtifactsDirectory);
        var index = 0;
        foreach (var page in _people.SelectMany(p => p.Context.Pages))
        {
            var file = Path.Combine(BrowserTest.ArtifactsDirectory, $"{name}-{index++}");
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = file + ".png", FullPage = true });
                await File.WriteAllTextAsync(file + ".html", await page.ContentAsync());
            }
            catch (PlaywrightException)
            {
            }
        }
    }

    // A browser of its own, sent to one replica by Caddy's sticky cookie (with another person's sign-in, when given).
    private async Task<Person> OpenOnAsync(string replica, string email, Person? signedInAs = null)
    {
        var person = await Person.OpenAsync(site.Browser, site.BaseUrl, email);
        _people.Add(person);
        if (signedInAs is not null)
            await person.Context.AddCookiesAsync((await signedInAs.Context.CookiesAsync()).Where(c => c.Name != ReplicasFixture.ReplicaCookie)
                .Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite }));
        await person.Context.AddCookiesAsync([site.StickTo(replica)]);
        var response = await person.Page.GotoAsync("healthz");
        Assert.Equal(site.Replicas[replica].Dial, response!.Headers.GetValueOrDefault("x-otpwall-replica"));
        return person;
    }

    /// <summary>Skipped unless the tests run on PostgreSQL with Caddy installed.</summary>
    private sealed class SkippableReplicaFactAttribute : FactAttribute
    {
        public SkippableReplicaFactAttribute()
        {
            if (SkipUnlessPostgreSql.Length > 0) Skip = SkipUnlessPostgreSql;
        }
    }
}

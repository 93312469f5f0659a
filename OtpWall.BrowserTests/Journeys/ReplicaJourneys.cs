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

    [SkippableReplicaFact]
    public async Task TwoReplicas_OneAdministrator_AKeySavedOnA_UsedOnB_CodesReachTheOtherReplica_EvenAfterThePollingOneDies()
    {
        // Two first registrations at the same moment, one on each replica: exactly one administrator.
        var ana = await OpenOnAsync("a", "ana@example.com");
        var ben = await OpenOnAsync("b", "ben@example.com");
        foreach (var person in new[] { ana, ben })
        {
            await person.Page.GotoAsync("Account/Register");
            await Expect(person.Page.GetByTestId("first-run")).ToBeVisibleAsync();
            await person.Page.Locator("#Input\\.Email").FillAsync(person.Email);
            await person.Page.Locator("#Input\\.Password").FillAsync(person.Password);
            await person.Page.Locator("#Input\\.ConfirmPassword").FillAsync(person.Password);
        }
        await Task.WhenAll(ana.Page.GetByTestId("register-submit").ClickAsync(), ben.Page.GetByTestId("register-submit").ClickAsync());
        var outcomes = await Task.WhenAll(new[] { ana, ben }.Select(async person =>
        {
            var registered = person.Page.GetByTestId("apikey-input");
            var refused = person.Page.GetByTestId("error-message");
            await Expect(registered.Or(refused)).ToBeVisibleAsync();
            return await registered.IsVisibleAsync();
        }));
        Assert.Single(outcomes, registered => registered);
        Assert.Equal(1, await site.CountAsync("""SELECT count(*) FROM "AspNetUsers" """));
        Assert.Equal(1, await site.CountAsync("""SELECT count(*) FROM "AspNetUserRoles" """));
        var admin = outcomes[0] ? ana : ben;
        var other = outcomes[0] ? ben : ana;
        await Expect(other.Page.GetByTestId("error-message")).ToContainTextAsync("invitation");

        // The administrator saves a key through replica A, then reads their wallet through replica B (same sign-in).
        await using var onA = await OpenOnAsync("a", admin.Email, admin);
        await onA.GoToAsync("settings/api-key");
        await onA.Page.GetByTestId("apikey-input").FillAsync(await site.NewSandboxKeyAsync(10.00m));
        await onA.Page.GetByTestId("apikey-save").ClickAsync();
        await Expect(onA.Page.GetByTestId("apikey-feedback")).ToContainTextAsync("Key saved. It works");
        await using var onB = await OpenOnAsync("b", admin.Email, admin);
        await onB.GoToAsync("wallet");
        await Expect(onB.Page.GetByTestId("wallet-balance")).ToHaveTextAsync("10.00 USD");
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

    // A browser of its own, sent to one replica by Caddy's sticky cookie (with another person's sign-in, when given).
    private async Task<Person> OpenOnAsync(string replica, string email, Person? signedInAs = null)
    {
        var person = await Person.OpenAsync(site.Browser, site.BaseUrl, email);
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

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Activations.Polling;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Data;
using OtpWall.Core.LiveUpdates;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Activations;

/// <summary>What an SMS text can do to code extraction and to the poller: nothing but be read.</summary>
public sealed class HostileSmsTests(SandboxServer sandbox) : IClassFixture<SandboxServer>
{
    private const int OneMegabyte = 1 << 20;

    public static TheoryData<string> Shapes => ["a", "a-", "a.", "1", "1 22 ", "+1", "1,", "x@"];

    private static string Junk(string unit) => string.Concat(Enumerable.Repeat(unit, OneMegabyte / unit.Length + 1))[..OneMegabyte];

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task ACodeAtTheStartOfA1MegabyteSms_IsFound_WhateverFollowsIt(string unit)
    {
        // Before the search was bounded and linear, these took minutes to hours each (quadratic in the length).
        var code = await Task.Run(() => OtpCodeExtractor.Extract("Your verification code is 482913. " + Junk(unit)))
            .WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("482913", code);
    }

    [Theory]
    [InlineData("Your code is 27\u200B1828", "271828")]
    [InlineData("Your code is 27\u200C18\u200D28.", "271828")]
    [InlineData("Code: 12\u00AD34\u00AD56", "123456")]
    [InlineData("\uFEFFG-\u2060551177 is your Google verification code.", "551177")]
    public void InvisibleCharactersInsideACode_AreNotPartOfWhatIsRead(string sms, string expected) =>
        Assert.Equal(expected, OtpCodeExtractor.Extract(sms));

    [Fact]
    public void OnlyTheFirstPartOfAVeryLongSms_IsSearched()
    {
        var beyond = new string(' ', OtpCodeExtractor.MaxExtractedLength) + "Your code is 314159";

        Assert.Null(OtpCodeExtractor.Extract(beyond));
        Assert.Equal("314159", OtpCodeExtractor.Extract("Your code is 314159" + beyond));
    }

    [Fact]
    public async Task A1MegabyteSmsOnOneActivation_DoesNotDelayAnotherPersonsCode_AndIsKeptWhole()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var core = await CoreServices.StartAsync(sandbox, time);
        var (victim, _) = await core.NewUserWithKeyAsync("victim@example.com");
        var (attacker, _) = await core.NewUserWithKeyAsync("attacker@example.com");
        var service = core.Get<Purchases>();
        var flooded = (await service.BuyAsync(attacker, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("PK", "Pakistan"))).Activation!;
        var waiting = (await service.BuyAsync(victim, Guid.NewGuid(), new Service("telegram", "Telegram"), new Country("IN", "India"))).Activation!;
        var hostile = "Code 1 " + Junk("1 22 a-a.");
        await sandbox.DeliverSmsAsync(flooded.UpstreamId!, hostile);
        await sandbox.DeliverSmsAsync(waiting.UpstreamId!, "Telegram code: 55123");
        var victimsCode = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = core.Get<ChangeBus>().SubscribeFor<ActivationChange>(victim, change => { if (change.CodeArrived) victimsCode.TrySetResult(); return Task.CompletedTask; });

        time.Advance(TimeSpan.FromSeconds(2));
        var round = core.Get<ActivationPoller>().PollDueAsync(CancellationToken.None);
        await victimsCode.Task.WaitAsync(core.Get<Microsoft.Extensions.Options.IOptions<ActivationOptions>>().Value.FastPollInterval);
        await round.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("55123", (await core.Get<ActivationQueries>().GetAsync(victim, waiting.Id))!.Code);
        await using var db = await core.Get<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        Assert.Equal(hostile.Length, (await db.ActivationMessages.SingleAsync(m => m.ActivationId == flooded.Id)).Text.Length);
    }
}

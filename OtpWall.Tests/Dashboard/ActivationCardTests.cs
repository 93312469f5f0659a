using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Insights;
using OtpWall.Dashboard.Components.Pages.Activations;

namespace OtpWall.Tests.Dashboard;

/// <summary>What one card says when its purchase's outcome is unknown, or when it cannot be followed.</summary>
public sealed class ActivationCardTests : BunitContext
{
    public ActivationCardTests()
    {
        Services.AddSingleton(TimeProvider.System);
        MudBlazor.Services.ServiceCollectionExtensions.AddMudServices(Services);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private static ActivationView Card(ActivationStatus status, string? upstreamId, string? note = null, string? followProblem = null) => new(
        Guid.NewGuid(), upstreamId, upstreamId is null ? null : "+4915112345678", "discord", "Discord", "DE", "Germany", status, null, null, [],
        null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(20), null, false, note, FollowProblem: followProblem);

    [Fact]
    public async Task APurchaseWhoseOutcomeIsUnknown_OffersToAttachItsOtpwallId()
    {
        (ActivationView Activation, string Id)? attached = null;
        var card = Card(ActivationStatus.OutcomeUnknown, null, "The dashboard stopped while this purchase was being sent to OTPWALL.");
        var cut = Render<ActivationCard>(p => p.Add(c => c.Activation, card).Add(c => c.Attach, a => attached = a));

        await cut.Find("[data-testid=activation-attach-input]").ChangeAsync(new() { Value = "433462985" });
        await cut.Find("[data-testid=activation-attach]").Closest("form")!.SubmitAsync();

        Assert.Equal((card, "433462985"), attached);
        Assert.Equal("Found it in OTPWALL? Its activation id:", cut.Find("label[for]").TextContent);
    }

    [Fact]
    public void APurchaseStillOnItsWay_OffersNothingToAttach()
    {
        var cut = Render<ActivationCard>(p => p.Add(c => c.Activation, Card(ActivationStatus.OutcomeUnknown, null, Activation.InFlightNote)));

        Assert.Empty(cut.FindAll("[data-testid=activation-attach-input]"));
    }

    [Fact]
    public void ANumberThatCannotBeFollowed_SaysWhy_InsteadOfWaitingForTheSms()
    {
        var cut = Render<ActivationCard>(p => p.Add(c => c.Activation,
            Card(ActivationStatus.Waiting, "433462985", followProblem: "OTPWALL cannot be reached right now. The dashboard keeps trying.")));

        Assert.Equal("OTPWALL cannot be reached right now. The dashboard keeps trying.", cut.Find("[data-testid=activation-follow-problem]").TextContent.Trim());
        Assert.DoesNotContain("Waiting for the SMS", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void APurchaseOnItsWay_SaysBuying_WithNoCountdownAndNothingToDismiss()
    {
        var cut = Render<ActivationCard>(p => p.Add(c => c.Activation, Card(ActivationStatus.Buying, null)));

        Assert.Equal("buying", cut.Find("[data-testid=activation-row]").GetAttribute("data-status"));
        Assert.Equal("Buying…", cut.Find("[data-testid=activation-status]").TextContent.Trim());
        cut.Find("[data-testid=activation-buying]");
        Assert.Empty(cut.FindAll("[data-testid=activation-dismiss]"));
        Assert.Empty(cut.FindAll("[data-testid=activation-countdown]"));
        Assert.Empty(cut.FindAll("[data-testid=activation-attach-input]"));
        Assert.Empty(cut.FindAll("[data-testid=activation-buy-again]"));
    }

    [Fact]
    public void EveryCard_OffersToBuyTheSamePairAgain()
    {
        var cut = Render<ActivationCard>(p => p.Add(c => c.Activation, Card(ActivationStatus.Cancelled, "433462985")));

        Assert.Equal("/buy?service=discord&country=DE", cut.Find("[data-testid=activation-buy-again]").GetAttribute("href"));
    }

    [Fact]
    public async Task CopyWithoutCode_CopiesTheNumberWithoutItsCountryCode()
    {
        (string Text, string What)? copied = null;
        var cut = Render<ActivationCard>(p => p.Add(c => c.Activation, Card(ActivationStatus.Waiting, "433462985")).Add(c => c.Copy, c => copied = (c.Text, c.What)));

        await cut.Find("[data-testid=activation-copy-local]").ClickAsync(new());

        Assert.Equal(("15112345678", "Number without its country code"), copied);
    }

    [Fact]
    public void ACancelledNumber_SaysRefunded_InsteadOfAPrice()
    {
        var cancelled = Card(ActivationStatus.Cancelled, "433462985") with { Price = 0.64m, Currency = "USD" };
        var waiting = Card(ActivationStatus.Waiting, "433462986") with { Price = 0.64m, Currency = "USD" };

        var refunded = Render<ActivationCard>(p => p.Add(c => c.Activation, cancelled));
        var charged = Render<ActivationCard>(p => p.Add(c => c.Activation, waiting));

        Assert.Equal("· Refunded (0.64 USD)", refunded.Find("[data-testid=activation-price]").TextContent.Trim());
        Assert.Equal("· Price 0.64 USD", charged.Find("[data-testid=activation-price]").TextContent.Trim());
    }

    [Fact]
    public void APriceOfFourDecimals_ReadsTheSameOnTheCardAsInBuysFigures()
    {
        var waiting = Card(ActivationStatus.Waiting, "433462986") with { Price = 0.6425m, Currency = "USD" };
        var onBuy = new PairInsight("telegram", "PK", 0.6425m, "USD", Finished: 1, GotCode: 1, MedianTimeToCode: null, LastNoNumbersAt: null);

        var card = Render<ActivationCard>(p => p.Add(c => c.Activation, waiting));

        Assert.Equal("· Price 0.64 USD", card.Find("[data-testid=activation-price]").TextContent.Trim());
        Assert.Equal("0.64 USD", onBuy.LastPriceText);
    }
}

public sealed class LocalNumbersTests
{
    [Theory]
    [InlineData("+923001234567", "PK", "3001234567")]
    [InlineData("923001234567", "PK", "3001234567")]
    [InlineData("03001234567", "PK", "3001234567")]
    [InlineData("+447911123456", "GB", "7911123456")]
    [InlineData("+12025550123", "US", "2025550123")]
    [InlineData("+79161234567", "RU", "9161234567")]
    [InlineData("+4915112345678", "DE", "15112345678")]
    public void ANumber_LosesItsCountryCodeAndTrunkPrefix(string number, string country, string local) =>
        Assert.Equal(local, LocalNumbers.WithoutCountryCode(number, country));

    [Theory]
    [InlineData("not a number", "PK")]
    [InlineData("", "PK")]
    [InlineData(null, "PK")]
    public void WhatIsNotANumber_HasNoLocalForm(string? number, string country) =>
        Assert.Null(LocalNumbers.WithoutCountryCode(number, country));
}

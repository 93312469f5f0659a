using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OtpWall.Sandbox;

namespace OtpWall.Tests.Sandbox;

/// <summary>The simulated OTPWALL's lifecycle and money rules, driven by a fake clock.</summary>
public sealed class SandboxSimulatorTests
{
    private const string Key = "Ab3dEf7hIj1lMn5pQr9tUv2xYz4bCd6f";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));

    private SandboxSimulator NewSimulator(double noSmsRate = 0, int seed = 7) =>
        new(Options.Create(new SandboxOptions
        {
            Seed = seed,
            NoSmsRate = noSmsRate,
            SmsDelayMin = TimeSpan.FromSeconds(10),
            SmsDelayMax = TimeSpan.FromSeconds(10),
            ActivationLifetime = TimeSpan.FromMinutes(20),
        }), _time, new SandboxRandom(seed));

    private static decimal Price(string service, string country) =>
        SandboxCatalogue.Price(SandboxCatalogue.FindService(service)!, SandboxCatalogue.FindCountry(country)!);

    [Fact]
    public void TheControlSurface_TakesAPairOrAWholeCountryOutOfStock_AndSetsAPairsPrice_UntilSetBackOrReset()
    {
        var simulator = NewSimulator();
        simulator.CreateAccount(Key, 10m, null);

        simulator.SetStock("telegram", "GB", available: false);
        Assert.Equal(422, Assert.Throws<SandboxRefusalException>(() => simulator.Buy(Key, "telegram", "GB")).Status);
        simulator.Buy(Key, "whatsapp", "GB");
        simulator.SetStock(null, "NL", available: false);
        Assert.Equal("no_numbers", Assert.Throws<SandboxRefusalException>(() => simulator.Buy(Key, "discord", "NL")).Code);
        simulator.SetStock("telegram", "GB", available: true);
        simulator.Buy(Key, "telegram", "GB");

        var before = simulator.GetBalance(Key).Balance;
        Assert.Equal(0.9m, simulator.SetPrice("telegram", "DE", 0.90m));
        simulator.Buy(Key, "telegram", "DE");
        Assert.Equal(before - 0.90m, simulator.GetBalance(Key).Balance);
        Assert.Equal(400, Assert.Throws<SandboxRefusalException>(() => simulator.SetPrice("telegram", "XX", 1m)).Status);
        Assert.Equal(400, Assert.Throws<SandboxRefusalException>(() => simulator.SetPrice("telegram", "DE", 0m)).Status);

        simulator.Reset();
        simulator.CreateAccount(Key, 10m, null);
        simulator.Buy(Key, "discord", "NL");
        simulator.Buy(Key, "telegram", "DE");
        Assert.Equal(10m - Price("discord", "NL") - Price("telegram", "DE"), simulator.GetBalance(Key).Balance);
    }

    [Fact]
    public void TheSms_ArrivesAfterItsDelay_NotBefore()
    {
        var simulator = NewSimulator();
        simulator.CreateAccount(Key, 5m, null);
        var bought = simulator.Buy(Key, "telegram", "PK");

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(SandboxStatus.Waiting, simulator.GetActivation(Key, bought.Id).Status);

        _time.Advance(TimeSpan.FromSeconds(1));
        var arrived = simulator.GetActivation(Key, bought.Id);
        Assert.Equal(SandboxStatus.Received, arrived.Status);
        Assert.Matches(@"\d{5}", arrived.LatestSms);
        Assert.Equal(_time.GetUtcNow(), arrived.Messages.Single().ReceivedAt);
    }

    [Fact]
    public void AnActivationWithoutSms_ExpiresAtTheEndOfItsLifetime_AndIsRefunded()
    {
        var simulator = NewSimulator(noSmsRate: 1);
        simulator.CreateAccount(Key, 5m, null);
        var bought = simulator.Buy(Key, "whatsapp", "GB");
        Assert.Equal(5m - Price("whatsapp", "GB"), simulator.GetBalance(Key).Balance);

        _time.Advance(TimeSpan.FromMinutes(20) - TimeSpan.FromSeconds(1));
        Assert.Equal(SandboxStatus.Waiting, simulator.GetActivation(Key, bought.Id).Status);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5m, simulator.GetBalance(Key).Balance);
        Assert.Equal(SandboxStatus.Expired, simulator.GetActivation(Key, bought.Id).Status);
    }

    [Fact]
    public void AReceivedActivation_ClosesAsCompleteAtTheEndOfItsLifetime_AndKeepsTheCharge()
    {
        var simulator = NewSimulator();
        simulator.CreateAccount(Key, 5m, null);
        var bought = simulator.Buy(Key, "google", "US");

        _time.Advance(TimeSpan.FromMinutes(21));

        Assert.Equal(SandboxStatus.Complete, simulator.GetActivation(Key, bought.Id).Status);
        Assert.Equal(5m - Price("google", "US"), simulator.GetBalance(Key).Balance);
    }

    [Fact]
    public void Cancel_IsRefused_AfterSmsArrived_AndComplete_BeforeIt()
    {
        var simulator = NewSimulator(noSmsRate: 1);
        simulator.CreateAccount(Key, 5m, null);
        var bought = simulator.Buy(Key, "tiktok", "ID");

        Assert.Equal(409, Assert.Throws<SandboxRefusalException>(() => simulator.ChangeStatus(Key, bought.Id, "complete")).Status);
        simulator.DeliverSms(bought.Id, "[TikTok] 123456 is your verification code");
        Assert.Equal(409, Assert.Throws<SandboxRefusalException>(() => simulator.ChangeStatus(Key, bought.Id, "cancel")).Status);
        Assert.Equal(SandboxStatus.Complete, simulator.ChangeStatus(Key, bought.Id, "COMPLETE").Status);
        Assert.Equal(409, Assert.Throws<SandboxRefusalException>(() => simulator.DeliverSms(bought.Id, "late")).Status);
    }

    [Fact]
    public void ANewerSms_IsKeptAfterTheFirst()
    {
        var simulator = NewSimulator(noSmsRate: 1);
        simulator.CreateAccount(Key, 5m, null);
        var bought = simulator.Buy(Key, "tiktok", "ID");

        simulator.DeliverSms(bought.Id, "first 111111");
        var latest = simulator.DeliverSms(bought.Id, "second 222222");

        Assert.Equal("second 222222", latest.LatestSms);
        Assert.Equal(["first 111111", "second 222222"], latest.Messages.Select(m => m.Text));
    }

    [Fact]
    public void APurchaseThatCannotBePaid_IsRefusedWith402_AndChargesNothing()
    {
        var simulator = NewSimulator();
        simulator.CreateAccount(Key, Price("wechat", "CN") - 0.01m, null);

        var refusal = Assert.Throws<SandboxRefusalException>(() => simulator.Buy(Key, "wechat", "CN"));

        Assert.Equal(402, refusal.Status);
        Assert.Equal(Price("wechat", "CN") - 0.01m, simulator.GetBalance(Key).Balance);
    }

    [Theory]
    [InlineData("telegram", "XX", 400, "unknown_country")]
    [InlineData("myspace", "US", 400, "unknown_service")]
    [InlineData("wechat", "US", 422, "no_numbers")]
    public void BadPurchases_AreRefusedAsOtpWallWould(string service, string country, int status, string code)
    {
        var simulator = NewSimulator();
        simulator.CreateAccount(Key, 5m, null);

        var refusal = Assert.Throws<SandboxRefusalException>(() => simulator.Buy(Key, service, country));

        Assert.Equal((status, code), (refusal.Status, refusal.Code));
    }

    [Fact]
    public void AnotherKeysActivation_IsUnknown()
    {
        var simulator = NewSimulator();
        simulator.CreateAccount(Key, 5m, null);
        var (other, _, _) = simulator.CreateAccount(null, 5m, null);
        var bought = simulator.Buy(Key, "telegram", "US");

        Assert.Equal(404, Assert.Throws<SandboxRefusalException>(() => simulator.GetActivation(other, bought.Id)).Status);
        Assert.Equal(404, Assert.Throws<SandboxRefusalException>(() => simulator.ChangeStatus(other, bought.Id, "cancel")).Status);
    }

    [Fact]
    public void TheSameSeed_GivesTheSameNumbersIdsAndTexts()
    {
        SandboxActivationView Run()
        {
            var simulator = NewSimulator(seed: 99);
            simulator.CreateAccount(Key, 5m, null);
            var bought = simulator.Buy(Key, "apple", "JP");
            return simulator.DeliverSms(bought.Id, null);
        }

        var (first, second) = (Run(), Run());

        Assert.Equal((first.Id, first.Number, first.LatestSms), (second.Id, second.Number, second.LatestSms));
    }

    [Fact]
    public void ConcurrentPurchases_NeverOverspend_AndGetDistinctIds()
    {
        var simulator = NewSimulator();
        var price = Price("telegram", "IN");
        simulator.CreateAccount(Key, price * 50, null);

        var outcomes = new System.Collections.Concurrent.ConcurrentBag<string?>();
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            try { outcomes.Add(simulator.Buy(Key, "telegram", "IN").Id); }
            catch (SandboxRefusalException refusal) when (refusal.Status == 402) { outcomes.Add(null); }
        });

        var ids = outcomes.Where(id => id is not null).ToList();
        Assert.Equal(50, ids.Count);
        Assert.Equal(50, ids.Distinct().Count());
        Assert.Equal(0m, simulator.GetBalance(Key).Balance);
    }

    [Fact]
    public void Reset_ForgetsEveryAccount()
    {
        var simulator = NewSimulator();
        simulator.CreateAccount(Key, 5m, null);

        simulator.Reset();

        Assert.False(simulator.AccountExists(Key));
    }
}

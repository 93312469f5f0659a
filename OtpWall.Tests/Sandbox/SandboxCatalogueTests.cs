using System.Text.RegularExpressions;
using OtpWall.Sandbox;

namespace OtpWall.Tests.Sandbox;

public sealed partial class SandboxCatalogueTests
{
    [Fact]
    public void ThereAreAtLeast30Countries_WithDistinctIsoCodes()
    {
        Assert.True(SandboxCatalogue.Countries.Count >= 30);
        Assert.All(SandboxCatalogue.Countries, c => Assert.Matches("^[A-Z]{2}$", c.Code));
        Assert.All(SandboxCatalogue.Countries, c => Assert.Matches("^[A-Z]{3}$", c.Alpha3));
        Assert.Equal(SandboxCatalogue.Countries.Count, SandboxCatalogue.Countries.Select(c => c.Code).Distinct().Count());
    }

    [Fact]
    public void ThereAreAtLeast25Services_EachSendingACode()
    {
        Assert.True(SandboxCatalogue.Services.Count >= 25);
        Assert.All(SandboxCatalogue.Services.SelectMany(s => s.SmsTemplates), t => Assert.Matches(CodePlaceholder(), t));
    }

    [Fact]
    public void EveryPrice_IsPositiveMoneyInCents()
    {
        var prices = SandboxCatalogue.Services.SelectMany(s => SandboxCatalogue.Countries.Select(c => SandboxCatalogue.Price(s, c)));

        Assert.All(prices, p => Assert.True(p >= 0.05m && p == decimal.Round(p, 2), $"bad price {p}"));
    }

    [Theory]
    [InlineData("pk", "PK")]
    [InlineData("PAK", "PK")]
    [InlineData(" us ", "US")]
    public void CountryCodes_AreFoundWhateverTheirCase(string code, string expected) =>
        Assert.Equal(expected, SandboxCatalogue.FindCountry(code)?.Code);

    [GeneratedRegex(@"\{(d[3-8]|A\d)\}")]
    private static partial Regex CodePlaceholder();
}

using OtpWall.Core.Catalogue;

namespace OtpWall.Tests.Catalogue;

/// <summary>The pickers find what people type: other names, codes, accents, and say when nothing matches.</summary>
public sealed class CatalogueSearchTests
{
    private static readonly Country[] Countries =
    [
        new("IN", "India"), new("ID", "Indonesia"), new("KR", "South Korea"), new("TR", "Türkiye"), new("UA", "Ukraine"),
        new("AE", "United Arab Emirates"), new("GB", "United Kingdom"), new("US", "United States"), new("AU", "Australia"),
    ];

    private static readonly Service[] Services =
    [
        new("facebook", "Facebook"), new("snapchat", "Snapchat"), new("telegram", "Telegram"), new("twitter", "X (Twitter)"), new("whatsapp", "WhatsApp"),
    ];

    [Theory]
    [InlineData("uk", "GB")]
    [InlineData("UK", "GB")]
    [InlineData("Britain", "GB")]
    [InlineData("england", "GB")]
    [InlineData("usa", "US")]
    [InlineData("America", "US")]
    [InlineData("us", "US")]
    [InlineData("uae", "AE")]
    [InlineData("in", "IN")]
    [InlineData("Indo", "ID")]
    [InlineData("korea", "KR")]
    [InlineData("turkey", "TR")]
    [InlineData("turkiye", "TR")]
    [InlineData("  gb ", "GB")]
    public void ACountry_IsFoundByName_CodeOrAnotherNameItGoesBy(string typed, string expected) =>
        Assert.Equal(expected, CatalogueSearch.Countries(Countries, typed)[0].Code);

    [Fact]
    public void Uk_StillOffersUkraine_AfterTheUnitedKingdom() =>
        Assert.Equal(["GB", "UA"], CatalogueSearch.Countries(Countries, "uk").Select(c => c.Code));

    [Theory]
    [InlineData("fb", "facebook")]
    [InlineData("x", "twitter")]
    [InlineData("twit", "twitter")]
    [InlineData("tg", "telegram")]
    [InlineData("whats", "whatsapp")]
    public void AService_IsFoundByNameCodeOrShortName(string typed, string expected) =>
        Assert.Equal(expected, CatalogueSearch.Services(Services, typed)[0].Code);

    [Fact]
    public void AMistypedName_MatchesNothing_AndTheNearestIsSuggested()
    {
        Assert.Empty(CatalogueSearch.Services(Services, "Snapchatt"));
        Assert.Equal("Snapchat", CatalogueSearch.Closest(Services, "Snapchatt")?.Name);
        Assert.Equal("Ukraine", CatalogueSearch.Closest(Countries, "Ukrain")?.Name);
        Assert.Null(CatalogueSearch.Closest(Services, "zzzzzzzz"));
        Assert.Null(CatalogueSearch.Closest(Countries, "ab"));
    }

    [Fact]
    public void NothingTyped_OffersEverything() => Assert.Equal(Countries.Length, CatalogueSearch.Countries(Countries, " ").Count);
}

using OtpWall.Core.ApiKeys;

namespace OtpWall.Tests.ApiKeys;

public sealed class OtpWallApiKeyTests
{
    private const string Valid = "Ab3dEf7hIj1lMn5pQr9tUv2xYz4bCd6f";

    [Fact]
    public void APastedKey_IsAcceptedWithoutSurroundingBlanks()
    {
        Assert.True(OtpWallApiKey.TryParse($"  {Valid}\n", out var key));
        Assert.Equal(Valid, key.Reveal());
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("Ab3dEf7hIj1lMn5pQr9tUv2xYz4bCd6")]
    [InlineData("Ab3dEf7hIj1lMn5pQr9tUv2xYz4bCd6fX")]
    [InlineData("Ab3dEf7hIj1lMn5p-r9tUv2xYz4bCd6f")]
    [InlineData("Ab3dEf7hIj1lMn5p r9tUv2xYz4bCd6f")]
    [InlineData("Ab3dEf7hIj1lMn5pQr9tUv2xYz4bCdéf")]
    public void AnythingButThirtyTwoLettersAndDigits_IsRefused(string candidate)
    {
        Assert.False(OtpWallApiKey.TryParse(candidate, out _));
        var error = Assert.Throws<FormatException>(() => OtpWallApiKey.Parse(candidate));
        Assert.Equal("An OTPWALL API key is exactly 32 letters and digits.", error.Message);
    }

    [Fact]
    public void PrintingAKey_ShowsOnlyItsLastFourCharacters()
    {
        var key = OtpWallApiKey.Parse(Valid);

        Assert.Equal("••••Cd6f", key.ToString());
        Assert.Equal("••••Cd6f", $"{key}");
        Assert.Equal("Cd6f", key.LastFour);
    }

    [Fact]
    public void TwoKeys_AreEqual_OnlyWhenEveryCharacterMatches()
    {
        Assert.Equal(OtpWallApiKey.Parse(Valid), OtpWallApiKey.Parse(Valid));
        Assert.NotEqual(OtpWallApiKey.Parse(Valid), OtpWallApiKey.Parse(Valid.ToUpperInvariant()));
    }
}

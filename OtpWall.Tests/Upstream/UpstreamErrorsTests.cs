using System.Net;
using System.Net.Http.Headers;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.Upstream;

namespace OtpWall.Tests.Upstream;

public sealed class UpstreamErrorsTests
{
    private static readonly OtpWallApiKey Key = OtpWallApiKey.Parse("Ab3dEf7hIj1lMn5pQr9tUv2xYz4bCd6f");
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("{\"error\":\"bad_country\",\"message\":\"Country not served.\"}", "Country not served.")]
    [InlineData("{\"detail\":\"No numbers left\"}", "No numbers left")]
    [InlineData("{\"title\":\"Bad Request\"}", "Bad Request")]
    [InlineData("{\"error\":\"no_numbers\"}", "no_numbers")]
    [InlineData("{\"error\":{\"code\":7,\"message\":\"Service paused\"}}", "Service paused")]
    [InlineData("\"Quoted text\"", "Quoted text")]
    [InlineData("No numbers for this country\r\n  try later", "No numbers for this country try later")]
    public void TheReadablePartOfABody_IsKept(string body, string expected) =>
        Assert.Equal(expected, UpstreamErrors.ExtractDetail(body, null, Key));

    [Theory]
    [InlineData("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")]
    [InlineData("<!DOCTYPE html><html></html>", null)]
    [InlineData("Gateway error", "text/html")]
    [InlineData("System.NullReferenceException: Object reference\n   at Foo.Bar()", "text/plain")]
    [InlineData("{\"message\":\"<b>bold</b>\"}", "application/json")]
    [InlineData("{\"code\":12}", "application/json")]
    [InlineData("{not json", "application/json")]
    [InlineData("   ", null)]
    public void HtmlStackTracesAndNoise_AreNeverPassedOn(string body, string? mediaType) =>
        Assert.Null(UpstreamErrors.ExtractDetail(body, mediaType, Key));

    [Fact]
    public void AKeyEchoedByUpstream_IsMasked() =>
        Assert.Equal("Key ••••Cd6f is revoked", UpstreamErrors.ExtractDetail($"{{\"message\":\"Key {Key.Reveal()} is revoked\"}}", null, Key));

    [Fact]
    public void ALongDetail_IsCutToAShortSentence()
    {
        var detail = UpstreamErrors.ExtractDetail(new string('x', 1000), "text/plain", Key)!;

        Assert.Equal(200, detail.Length);
        Assert.EndsWith("…", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401, typeof(OtpWallBadKeyException))]
    [InlineData(403, typeof(OtpWallBadKeyException))]
    [InlineData(402, typeof(OtpWallInsufficientBalanceException))]
    [InlineData(404, typeof(OtpWallNotFoundException))]
    [InlineData(409, typeof(OtpWallNotAllowedException))]
    [InlineData(400, typeof(OtpWallBadRequestException))]
    [InlineData(422, typeof(OtpWallBadRequestException))]
    [InlineData(429, typeof(OtpWallRateLimitedException))]
    [InlineData(500, typeof(OtpWallUnavailableException))]
    [InlineData(503, typeof(OtpWallUnavailableException))]
    [InlineData(302, typeof(OtpWallUnreadableResponseException))]
    public void EachStatus_HasItsErrorType(int status, Type expected) =>
        Assert.IsType(expected, UpstreamErrors.FromStatus((HttpStatusCode)status, null, null, null, Key, aboutAnActivation: true, Now));

    [Fact]
    public void A404_OutsideAnActivation_IsNotMistakenForAMissingActivation() =>
        Assert.IsNotType<OtpWallNotFoundException>(
            UpstreamErrors.FromStatus(HttpStatusCode.NotFound, null, null, null, Key, aboutAnActivation: false, Now));

    [Fact]
    public void RetryAfter_AsADate_BecomesTheTimeLeft()
    {
        var error = (OtpWallRateLimitedException)UpstreamErrors.FromStatus(
            HttpStatusCode.TooManyRequests, null, null, new RetryConditionHeaderValue(Now.AddSeconds(42)), Key, false, Now);

        Assert.Equal(TimeSpan.FromSeconds(42), error.RetryAfter);
    }
}

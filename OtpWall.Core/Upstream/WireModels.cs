using System.Text.Json.Serialization;

namespace OtpWall.Core.Upstream;

// The JSON OTPWALL speaks. Fields are nullable because the provider's document is loose: what is
// missing is decided by OtpWallClient, not by the serializer.

internal sealed record BalanceResponse(
    [property: JsonPropertyName("balance")] decimal? Balance,
    [property: JsonPropertyName("currency"), JsonConverter(typeof(LenientStringConverter))] string? Currency);

internal sealed record BuyNumberRequest(
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("country")] string Country);

internal sealed record ActivationResponse(
    [property: JsonPropertyName("activation_id"), JsonConverter(typeof(LenientStringConverter))] string? ActivationId,
    [property: JsonPropertyName("number"), JsonConverter(typeof(LenientStringConverter))] string? Number,
    [property: JsonPropertyName("status"), JsonConverter(typeof(LenientStringConverter))] string? Status,
    [property: JsonPropertyName("sms"), JsonConverter(typeof(LenientStringConverter))] string? Sms);

internal sealed record ChangeStatusRequest([property: JsonPropertyName("status")] string Status);

internal sealed record CatalogueEntryResponse(
    [property: JsonPropertyName("code"), JsonConverter(typeof(LenientStringConverter))] string? Code,
    [property: JsonPropertyName("name"), JsonConverter(typeof(LenientStringConverter))] string? Name);

[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BalanceResponse))]
[JsonSerializable(typeof(BuyNumberRequest))]
[JsonSerializable(typeof(ActivationResponse))]
[JsonSerializable(typeof(ChangeStatusRequest))]
[JsonSerializable(typeof(List<CatalogueEntryResponse>))]
internal sealed partial class OtpWallJsonContext : JsonSerializerContext;

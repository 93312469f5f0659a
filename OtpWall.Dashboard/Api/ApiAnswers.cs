using System.ComponentModel;
using System.Text.Json.Serialization;

namespace OtpWall.Dashboard.Api;

// What /api/v1 answers, in OTPWALL's own shapes (../shared/seed/otpwall-api-doc.txt): snake_case, ids as strings.

[Description("The balance the token's owner buys with: their own OTPWALL account's, or the team's when they buy with the team key.")]
public sealed record BalanceAnswer(
    [property: JsonPropertyName("balance")] decimal Balance,
    [property: JsonPropertyName("currency")] string Currency);

[Description("A number just bought.")]
public sealed record NumberAnswer(
    [property: JsonPropertyName("activation_id")] string ActivationId,
    [property: JsonPropertyName("number")] string? Number,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("country"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull),
               Description("With countries or max_price: the country it was bought in.")] string? Country = null,
    [property: JsonPropertyName("tried"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull),
               Description("With countries or max_price: what happened in each country tried before it.")] string[]? Tried = null);

[Description("Where an activation stands, and its latest SMS (null until one arrives).")]
public sealed record StatusAnswer(
    [property: JsonPropertyName("activation_id")] string ActivationId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("sms")] string? Sms);

[Description("An activation after a change of status.")]
public sealed record ChangedAnswer(
    [property: JsonPropertyName("activation_id")] string ActivationId,
    [property: JsonPropertyName("status")] string Status);

[Description("A country or a service.")]
public sealed record CatalogueAnswer(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("name")] string Name);

[Description("Why a request was refused: a machine-readable code and a sentence for people.")]
public sealed record ErrorAnswer(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("activation_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ActivationId = null);

[Description("What to buy.")]
public sealed record BuyRequest(
    [property: JsonPropertyName("service"), Description("A service code from GET /services, e.g. telegram.")] string? Service,
    [property: JsonPropertyName("country"), Description("A country code from GET /countries, e.g. PK (any case).")] string? Country,
    [property: JsonPropertyName("countries"), Description("Beyond OTPWALL: countries to try in order (after country, if given) when one has no numbers; at most 10.")]
    string[]? Countries = null,
    [property: JsonPropertyName("max_price"), Description("Beyond OTPWALL: the most the number may cost. A country whose last price here was higher is skipped; a number that cost more is cancelled at once (refunded) and the next country tried.")]
    decimal? MaxPrice = null);

[Description("The status to change an activation to.")]
public sealed record StatusRequest(
    [property: JsonPropertyName("status"), Description("complete (after its SMS) or cancel (before any SMS; refunded).")] string? Status);

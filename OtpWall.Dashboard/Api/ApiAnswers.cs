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
    [property: JsonPropertyName("status")] string Status);

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
    [property: JsonPropertyName("country"), Description("A country code from GET /countries, e.g. PK (any case).")] string? Country);

[Description("The status to change an activation to.")]
public sealed record StatusRequest(
    [property: JsonPropertyName("status"), Description("complete (after its SMS) or cancel (before any SMS; refunded).")] string? Status);

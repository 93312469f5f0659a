using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.ApiTokens;
using OtpWall.Core.Catalogue;
using OtpWall.Core.Spending;
using OtpWall.Core.Upstream;
using OtpWall.Core.Wallet;

namespace OtpWall.Dashboard.Api;

/// <summary>
/// <c>/api/v1</c>: OTPWALL's own API (paths, JSON shapes, error statuses) served by the dashboard to the team's scripts,
/// with a personal token instead of an OTPWALL key. Purchases go through the same commit point, key modes and budgets
/// as on Buy; statuses are answered from what the poller already knows.
/// </summary>
public static class ApiV1Endpoints
{
    public const string Prefix = "/api/v1";

    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static IServiceCollection AddTeamApi(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApiStatuses>();
        services.AddSingleton<ApiLimits>();
        services.AddApiDocumentation();
        return services;
    }

    public static IEndpointRouteBuilder MapTeamApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Prefix).WithTags("OTPWALL API");

        api.MapGet("/balance", BalanceAsync)
            .WithSummary("The balance you buy with")
            .WithCommonAnswers()
            .WithDescription("Your own OTPWALL account's balance, or the team's when you buy with the team key (read at most every few seconds; cached in between).")
            .Produces<BalanceAnswer>()
            .Produces<ErrorAnswer>(StatusCodes.Status403Forbidden)
            .Produces<ErrorAnswer>(StatusCodes.Status502BadGateway);

        api.MapPost("/number", BuyAsync)
            .WithSummary("Buy a number")
            .WithCommonAnswers()
            .WithDescription(
                "Buys a number for a service in a country with the key you buy with on Buy (your own, or the team key within your budgets). " +
                "Never retried by the dashboard. Send an Idempotency-Key header to retry safely: the same key within 24 hours answers the same " +
                "activation and never buys twice. It appears at once in your Live activations, History, Usage and the Audit log.")
            .Accepts<BuyRequest>("application/json")
            .Produces<NumberAnswer>()
            .Produces<ErrorAnswer>(StatusCodes.Status400BadRequest)
            .Produces<ErrorAnswer>(StatusCodes.Status402PaymentRequired)
            .Produces<ErrorAnswer>(StatusCodes.Status403Forbidden)
            .Produces<ErrorAnswer>(StatusCodes.Status409Conflict)
            .Produces<ErrorAnswer>(StatusCodes.Status422UnprocessableEntity)
            .Produces<ErrorAnswer>(StatusCodes.Status502BadGateway);

        api.MapGet("/activation/{id}/status", StatusAsync)
            .WithSummary("An activation's status and latest SMS")
            .WithCommonAnswers()
            .WithDescription(
                "Answered from what the dashboard already knows (asking often adds no request to OTPWALL). With ?wait=N (up to 60), the " +
                "answer waits until the status or the SMS changes, or N seconds pass: a long poll that learns of a code as soon as a page does.")
            .Produces<StatusAnswer>()
            .Produces<ErrorAnswer>(StatusCodes.Status400BadRequest)
            .Produces<ErrorAnswer>(StatusCodes.Status404NotFound);

        api.MapPost("/activation/{id}/status", ChangeStatusAsync)
            .WithSummary("Complete or cancel an activation")
            .WithCommonAnswers()
            .WithDescription("complete after its SMS arrived; cancel while no SMS has arrived (OTPWALL refunds the price).")
            .Accepts<StatusRequest>("application/json")
            .Produces<ChangedAnswer>()
            .Produces<ErrorAnswer>(StatusCodes.Status400BadRequest)
            .Produces<ErrorAnswer>(StatusCodes.Status403Forbidden)
            .Produces<ErrorAnswer>(StatusCodes.Status404NotFound)
            .Produces<ErrorAnswer>(StatusCodes.Status409Conflict)
            .Produces<ErrorAnswer>(StatusCodes.Status502BadGateway);

        api.MapGet("/countries", (HttpContext http, CancellationToken cancellationToken) =>
                CatalogueAsync(http, c => c.Countries.Select(x => new CatalogueAnswer(x.Code, x.Name)), cancellationToken))
            .WithSummary("Countries")
            .WithCommonAnswers()
            .Produces<CatalogueAnswer[]>()
            .Produces<ErrorAnswer>(StatusCodes.Status502BadGateway);

        api.MapGet("/services", (HttpContext http, CancellationToken cancellationToken) =>
                CatalogueAsync(http, c => c.Services.Select(x => new CatalogueAnswer(x.Code, x.Name)), cancellationToken))
            .WithSummary("Services")
            .WithCommonAnswers()
            .Produces<CatalogueAnswer[]>()
            .Produces<ErrorAnswer>(StatusCodes.Status502BadGateway);

        // Anything else under /api/v1 is OTPWALL's "no such endpoint", in JSON (never the dashboard's HTML page).
        // Tried last: the OpenAPI document (/api/{documentName}/openapi.json) is more specific, though its route is less literal.
        endpoints.Map(Prefix + "/{**rest}", () => Error(StatusCodes.Status404NotFound, "not_found", "No such endpoint."))
            .WithOrder(1_000).ExcludeFromDescription();
        return endpoints;
    }

    // Every route may answer these: a missing or wrong token, a token over its limits, a failure of the dashboard itself.
    private static RouteHandlerBuilder WithCommonAnswers(this RouteHandlerBuilder builder) => builder
        .Produces<ErrorAnswer>(StatusCodes.Status401Unauthorized)
        .Produces<ErrorAnswer>(StatusCodes.Status429TooManyRequests)
        .Produces<ErrorAnswer>(StatusCodes.Status500InternalServerError);

    internal static IResult Error(int status, string code, string message, string? activationId = null) =>
        Results.Json(new ErrorAnswer(code, message, activationId), statusCode: status);

    private static async Task<IResult> BalanceAsync(
        HttpContext http, SpendingService spending, PayingKeys keys, WalletService wallet, CancellationToken cancellationToken)
    {
        var caller = http.ApiCaller();
        // The shared wallet reading (at most one OTPWALL read per account per interval) says when there is no key.
        var payer = await PayerAsync(caller, spending, keys, cancellationToken);
        var reading = await wallet.ReadAsync(PayingKeys.AccountOf(caller.UserId, payer), cancellationToken);
        if (reading.Problem is null && reading.Balance is { } balance) return Results.Json(new BalanceAnswer(balance.Amount, balance.Currency));
        return reading.Problem switch
        {
            WalletProblem.NoKey or WalletProblem.KeyUnreadable => NoKey(payer),
            WalletProblem.RateLimited => Error(StatusCodes.Status503ServiceUnavailable, "upstream_rate_limited", reading.Message ?? "OTPWALL asked us to slow down. Try again shortly."),
            WalletProblem.BadKey => Error(StatusCodes.Status502BadGateway, "upstream_key_refused", reading.Message ?? "OTPWALL refused the key you buy with."),
            _ => Error(StatusCodes.Status502BadGateway, "upstream_error", reading.Message ?? "OTPWALL could not be reached. Try again shortly."),
        };
    }

    private static async Task<IResult> BuyAsync(
        HttpContext http, SpendingService spending, PayingKeys keys, CatalogueService catalogue, Purchases purchases,
        ActivationQueries queries, [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, CancellationToken cancellationToken)
    {
        var caller = http.ApiCaller();
        if (!caller.MayBuy) return ReadOnly();
        if (await ReadBodyAsync<BuyRequest>(http) is not { } body || string.IsNullOrWhiteSpace(body.Service) ||
            (string.IsNullOrWhiteSpace(body.Country) && body.Countries is not { Length: > 0 }))
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "The request body must be a JSON object with \"service\" and \"country\" (or \"countries\").");
        if (body.MaxPrice is <= 0)
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "max_price is an amount above 0.");
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > 255 || idempotencyKey.Any(c => c is < ' ' or > '~')))
            return Error(StatusCodes.Status400BadRequest, "invalid_idempotency_key", "An Idempotency-Key is 1 to 255 printable ASCII characters.");

        var (payer, key) = await PayingKeyAsync(caller, spending, keys, cancellationToken);
        if (key is null) return NoKey(payer);
        CatalogueSnapshot known;
        try
        {
            known = await catalogue.GetAsync(key, cancellationToken);
        }
        catch (OtpWallException ex)
        {
            return Upstream(ex);
        }
        var service = known.Services.FirstOrDefault(s => string.Equals(s.Code, body.Service.Trim(), StringComparison.OrdinalIgnoreCase));
        if (service is null) return Error(StatusCodes.Status400BadRequest, "unknown_service", $"Unknown service '{Shorten(body.Service)}'. GET {Prefix}/services lists them.");
        var asked = new[] { body.Country }.Concat(body.Countries ?? []).Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!.Trim())
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (asked.Count > FallbackPurchases.MaxCountries)
            return Error(StatusCodes.Status400BadRequest, "invalid_request", $"At most {FallbackPurchases.MaxCountries} countries in one purchase.");
        var countries = new List<Country>();
        foreach (var code in asked)
        {
            if (known.Countries.FirstOrDefault(c => string.Equals(c.Code, code, StringComparison.OrdinalIgnoreCase)) is not { } found)
                return Error(StatusCodes.Status400BadRequest, "unknown_country", $"Unknown country '{Shorten(code)}'. GET {Prefix}/countries lists them.");
            countries.Add(found);
        }
        var country = countries[0];

        var attempt = idempotencyKey is null ? Guid.NewGuid() : AttemptOf(caller.UserId, idempotencyKey);
        // Countries, a ceiling of the script's own, or the team's default ceiling for the service: the purchase follows that policy.
        if (body.Countries is { Length: > 0 } || body.MaxPrice is not null ||
            await http.RequestServices.GetRequiredService<PriceCeilings>().EffectiveAsync(caller.UserId, service.Code, null, cancellationToken) is not null)
            return await BuyWithFallbackAsync(http, caller, service, countries, body.MaxPrice, attempt, payer, cancellationToken);
        if (idempotencyKey is not null && await queries.ByAttemptAsync(caller.UserId, attempt, cancellationToken) is { } earlier)
            return Replay(http, earlier, service, country);

        var result = await purchases.BuyAsync(caller.UserId, attempt, service, country, payer, caller.TokenName, cancellationToken);
        return result switch
        {
            { Outcome: BuyOutcome.Bought, Activation: { } bought } => Results.Json(new NumberAnswer(bought.Id.ToString(), bought.Number, ApiStatuses.WireStatus(bought))),
            { Outcome: BuyOutcome.OutcomeUnknown, Activation: var unknown } => Error(StatusCodes.Status502BadGateway, "outcome_unknown",
                result.Message + " It is on your Live activations; do not buy again before checking your balance.", unknown?.Id.ToString()),
            _ => Refused(http, result),
        };
    }

    // Countries in order and a price ceiling (FallbackPurchases); the same Idempotency-Key again answers the same purchase.
    private static async Task<IResult> BuyWithFallbackAsync(
        HttpContext http, ApiCaller caller, Service service, IReadOnlyList<Country> countries, decimal? ceiling, Guid attempt, Payer payer,
        CancellationToken cancellationToken)
    {
        var fallback = http.RequestServices.GetRequiredService<FallbackPurchases>();
        var (result, tried) = await fallback.BuyAsync(caller.UserId, attempt, service, countries, ceiling, payer, caller.TokenName, cancellationToken);
        var before = tried.Where(t => t.Outcome != CountryOutcome.Bought).Select(t => t.Message).ToArray();
        return result switch
        {
            { Outcome: BuyOutcome.Bought, Activation: { } bought } => Results.Json(
                new NumberAnswer(bought.Id.ToString(), bought.Number, ApiStatuses.WireStatus(bought), bought.Country, before)),
            { Outcome: BuyOutcome.OutcomeUnknown, Activation: var unknown } => Error(StatusCodes.Status502BadGateway, "outcome_unknown",
                result.Message + " It is on your Live activations; no other country was tried.", unknown?.Id.ToString()),
            { Refusal: BuyRefusal.AboveCeiling } => Error(StatusCodes.Status422UnprocessableEntity, "price_above_ceiling", result.Message),
            _ => Refused(http, result),
        };
    }

    // The same Idempotency-Key again: the same answer, never a second purchase.
    private static IResult Replay(HttpContext http, ActivationView earlier, Service service, Country country)
    {
        http.Response.Headers["Idempotent-Replayed"] = "true";
        if (!string.Equals(earlier.Service, service.Code, StringComparison.OrdinalIgnoreCase) || !string.Equals(earlier.Country, country.Code, StringComparison.OrdinalIgnoreCase))
            return Error(StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused",
                $"This Idempotency-Key was used for {earlier.ServiceName} in {earlier.CountryName}. Use a new key for a different purchase.");
        if (http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() - earlier.CreatedAt > ApiOptions.IdempotencyWindow)
            return Error(StatusCodes.Status409Conflict, "idempotency_key_expired", "This Idempotency-Key was used more than 24 hours ago. Use a new key.");
        return earlier.Status switch
        {
            ActivationStatus.Buying => InProgress(http),
            ActivationStatus.OutcomeUnknown => Error(StatusCodes.Status502BadGateway, "outcome_unknown",
                (earlier.Note ?? "The outcome of this purchase is unknown.") + " It is on your Live activations; do not buy again before checking your balance.",
                earlier.Id.ToString()),
            _ => Results.Json(new NumberAnswer(earlier.Id.ToString(), earlier.Number, ApiStatuses.WireStatus(earlier))),
        };
    }

    private static IResult Refused(HttpContext http, BuyResult result) => result.Refusal switch
    {
        BuyRefusal.NoNumbers => Error(StatusCodes.Status422UnprocessableEntity, "no_numbers", result.Message),
        BuyRefusal.NotEnoughBalance => Error(StatusCodes.Status402PaymentRequired, "insufficient_balance", result.Message),
        BuyRefusal.Limit => Error(StatusCodes.Status402PaymentRequired, "limit_reached", result.Message),
        BuyRefusal.NoKey => Error(StatusCodes.Status403Forbidden, "no_key", result.Message),
        BuyRefusal.Busy => InProgress(http),
        BuyRefusal.KeyRefused => Error(StatusCodes.Status502BadGateway, "upstream_key_refused", result.Message),
        BuyRefusal.RateLimited => RetryLater(http, StatusCodes.Status503ServiceUnavailable, "upstream_rate_limited", result.Message, 5),
        BuyRefusal.BadRequest => Error(StatusCodes.Status400BadRequest, "invalid_request", result.Message),
        _ => Error(StatusCodes.Status502BadGateway, "upstream_error", result.Message),
    };

    private static IResult InProgress(HttpContext http) => RetryLater(http, StatusCodes.Status409Conflict, "purchase_in_progress",
        "Another purchase of yours is still being sent to OTPWALL. Retry in a moment (with the same Idempotency-Key, it answers that purchase once it is done).", 1);

    private static IResult RetryLater(HttpContext http, int status, string code, string message, int seconds)
    {
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Error(status, code, message);
    }

    private static async Task<IResult> StatusAsync(
        HttpContext http, string id, [FromQuery] string? wait, ApiStatuses statuses, CancellationToken cancellationToken)
    {
        var caller = http.ApiCaller();
        var seconds = 0;
        if (wait is not null && (!int.TryParse(wait, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) || seconds > ApiOptions.MaxWaitSeconds))
            return Error(StatusCodes.Status400BadRequest, "invalid_request", $"wait is a whole number of seconds from 0 to {ApiOptions.MaxWaitSeconds}.");
        var answer = await statuses.WaitForChangeAsync(caller.UserId, id, TimeSpan.FromSeconds(seconds), cancellationToken);
        return answer is null ? NotFound() : Results.Json(answer);
    }

    private static async Task<IResult> ChangeStatusAsync(
        HttpContext http, string id, ActivationQueries queries, ActivationService activations, CancellationToken cancellationToken)
    {
        var caller = http.ApiCaller();
        if (!caller.MayBuy) return ReadOnly();
        var body = await ReadBodyAsync<StatusRequest>(http);
        var wanted = body?.Status?.Trim().ToLowerInvariant();
        if (wanted is not ("complete" or "cancel")) return Error(StatusCodes.Status400BadRequest, "invalid_status", "Status must be 'complete' or 'cancel'.");
        if (await queries.FindAsync(caller.UserId, id, cancellationToken) is not { } view || view.UpstreamId is null) return NotFound();
        if (wanted == "complete" && !view.CanComplete)
            return Error(StatusCodes.Status409Conflict, view.Status == ActivationStatus.Waiting ? "no_sms_yet" : "activation_closed",
                view.Status == ActivationStatus.Waiting ? "No SMS has arrived yet; the activation cannot be completed." : $"The activation is already {ApiStatuses.WireStatus(view)}.");
        if (wanted == "cancel" && !view.CanCancel)
            return Error(StatusCodes.Status409Conflict, view.Status == ActivationStatus.Received || view.Messages.Count > 0 ? "sms_received" : "activation_closed",
                view.Status == ActivationStatus.Received || view.Messages.Count > 0
                    ? "An SMS has arrived; the activation can no longer be cancelled."
                    : $"The activation is already {ApiStatuses.WireStatus(view)}.");
        var done = wanted == "complete"
            ? await activations.CompleteAsync(caller.UserId, view.Id, cancellationToken)
            : await activations.CancelAsync(caller.UserId, view.Id, cancellationToken);
        if (!done.Confirmed) return Error(StatusCodes.Status502BadGateway, "upstream_error", done.Message);
        return Results.Json(new ChangedAnswer(view.Id.ToString(), wanted == "complete" ? "complete" : "cancelled"));
    }

    private static async Task<IResult> CatalogueAsync(
        HttpContext http, Func<CatalogueSnapshot, IEnumerable<CatalogueAnswer>> select, CancellationToken cancellationToken)
    {
        var caller = http.ApiCaller();
        var services = http.RequestServices;
        var keys = services.GetRequiredService<PayingKeys>();
        var (payer, key) = await PayingKeyAsync(caller, services.GetRequiredService<SpendingService>(), keys, cancellationToken);
        if (key is null) return NoKey(payer);
        try
        {
            return Results.Json(select(await services.GetRequiredService<CatalogueService>().GetAsync(key, cancellationToken)).ToArray());
        }
        catch (OtpWallException ex)
        {
            return Upstream(ex);
        }
    }

    /// <summary>Who pays for the token owner, as on Buy when they do not choose: their key mode decides.</summary>
    private static async Task<Payer> PayerAsync(ApiCaller caller, SpendingService spending, PayingKeys keys, CancellationToken cancellationToken) =>
        await keys.DefaultPayerAsync(caller.UserId, (await spending.GetPolicyAsync(caller.UserId, cancellationToken)).KeyMode, cancellationToken);

    /// <summary>Who pays, and with which key (null: none saved or readable).</summary>
    private static async Task<(Payer Payer, OtpWallApiKey? Key)> PayingKeyAsync(
        ApiCaller caller, SpendingService spending, PayingKeys keys, CancellationToken cancellationToken)
    {
        var payer = await PayerAsync(caller, spending, keys, cancellationToken);
        return (payer, (await keys.CurrentAsync(caller.UserId, payer, cancellationToken)).Key);
    }

    /// <summary>The attempt an Idempotency-Key stands for: the same person and key always make the same one.</summary>
    internal static Guid AttemptOf(string userId, string idempotencyKey) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"api-idempotency\n{userId}\n{idempotencyKey}")).AsSpan(0, 16));

    private static async Task<T?> ReadBodyAsync<T>(HttpContext http) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, JsonSerializerOptions.Web, http.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult NoKey(Payer payer) => Error(StatusCodes.Status403Forbidden, "no_key", payer == Payer.Team
        ? "The team has no OTPWALL key saved. An administrator saves it on Team."
        : "You have no OTPWALL key saved. Save yours on the API key page of the dashboard.");

    private static IResult ReadOnly() => Error(StatusCodes.Status403Forbidden, "forbidden",
        "This token is read-only. Create a token with the \"buy and manage\" scope to buy, complete or cancel.");

    private static IResult NotFound() => Error(StatusCodes.Status404NotFound, "not_found", "Activation not found.");

    private static IResult Upstream(OtpWallException ex) => ex is OtpWallRateLimitedException
        ? Error(StatusCodes.Status503ServiceUnavailable, "upstream_rate_limited", ex.Message)
        : Error(StatusCodes.Status502BadGateway, "upstream_error", ex.Message);

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using OtpWall.Core.Accounts;
using OtpWall.Core.Notifications.Push;

namespace OtpWall.Dashboard.Components.Account;

internal static class NotificationEndpoints
{
    /// <summary>Where the notifications page's script hands in a browser's push subscription (with the page's antiforgery token).</summary>
    public static IEndpointConventionBuilder MapNotificationEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/account/notifications/push", async (HttpContext context, [FromServices] UserManager<ApplicationUser> users, [FromServices] PushService push) =>
        {
            if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
                return Results.Text("This page has expired. Reload it and try again.", "text/plain", statusCode: StatusCodes.Status400BadRequest);
            if (users.GetUserId(context.User) is not { } userId) return Results.Unauthorized();
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var refusal = await push.SubscribeAsync(userId, form["subscription"].ToString(), context.RequestAborted);
            return refusal is null ? Results.NoContent() : Results.Text(refusal.Message, "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }).RequireAuthorization().WithMetadata(new RequireAntiforgeryTokenAttribute());
}

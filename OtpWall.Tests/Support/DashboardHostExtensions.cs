using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Accounts;

namespace OtpWall.Tests.Support;

public static class DashboardHostExtensions
{
    public const string Password = "correct horse battery staple";

    public static async Task<string> UserIdAsync(this DashboardHost host, string email)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.FindByEmailAsync(email))?.Id ?? throw new InvalidOperationException($"No user {email}.");
    }

    /// <summary>Registers the first account (the administrator) and returns its signed-in session and id.</summary>
    public static async Task<(BrowserlessSession Session, string UserId)> RegisterAdministratorAsync(this DashboardHost host, string email = "admin@example.com")
    {
        var session = host.NewSession();
        using var response = await session.RegisterAsync(email, Password);
        if (response.StatusCode != System.Net.HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Registering the administrator answered {response.StatusCode}.");
        return (session, await host.UserIdAsync(email));
    }

    public static async Task<string> CreateInviteAsync(this DashboardHost host, string adminId) =>
        (await host.Services.GetRequiredService<TeamService>().CreateInviteAsync(adminId)).Token;
}

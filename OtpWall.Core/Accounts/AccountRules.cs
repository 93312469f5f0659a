using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Data;

namespace OtpWall.Core.Accounts;

public static class AccountRules
{
    /// <summary>Failed sign-ins before a lockout.</summary>
    public const int MaxFailedSignIns = 5;

    /// <summary>How long a lockout lasts.</summary>
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>Identity as this dashboard needs it: SQLite stores, roles, the password policy, lockout, disabled users.</summary>
    public static IdentityBuilder AddOtpWallAccountRules(this IdentityBuilder identity)
    {
        identity.Services.Configure<IdentityOptions>(options =>
        {
            options.Password.RequiredLength = PasswordPolicy.MinLength;
            options.Password.RequireDigit = false;
            options.Password.RequireLowercase = false;
            options.Password.RequireUppercase = false;
            options.Password.RequireNonAlphanumeric = false;
            options.Password.RequiredUniqueChars = 1;
            options.Lockout.AllowedForNewUsers = true;
            options.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
            options.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
            options.User.RequireUniqueEmail = true;
            // "Confirmed" means "not disabled" here (EnabledUserConfirmation); there is no e-mail confirmation.
            options.SignIn.RequireConfirmedAccount = true;
        });
        identity.Services.AddScoped<IUserConfirmation<ApplicationUser>, EnabledUserConfirmation>();
        return identity
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<OtpWallDbContext>()
            .AddPasswordValidator<PasswordPolicyValidator>()
            .AddUserValidator<EmailRules>()
            .AddErrorDescriber<AccountErrors>();
    }
}

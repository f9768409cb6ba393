/*
 * banned.h - functions that are easy to misuse become compile errors (after git's banned.h).
 * Every .c file includes it last, after the system headers whose declarations it would break.
 */
#ifndef NETREVIEW_BANNED_H
#define NETREVIEW_BANNED_H

#define NR_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) NR_BANNED(strcpy)
#undef strcat
#define strcat(x, y) NR_BANNED(strcat)
#undef sprintf
#define sprintf(...) NR_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) NR_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) NR_BANNED(strtok)
#undef atoi
#define atoi(x) NR_BANNED(atoi)
#undef gets
#define gets(x) NR_BANNED(gets)

#endif
